import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file a command writes where its user said (`--out`, `--skip-bad`): a regular file is replaced atomically (no
/// half-written file is ever seen); anything else that is there already, a device such as `/dev/null`, a pipe, or
/// a link, is written through and left in place. (An atomic write renames a new file over the name: run as root
/// with `--skip-bad /dev/null`, that replaced the system's /dev/null with a file.)
public enum OutputFile {
    /// Whether `path` names something other than a regular file or nothing.
    static func isSpecial(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) != S_IFREG
    }

    public static func write(_ data: Data, to path: String) throws {
        if isSpecial(path) {
            let handle = try open(path)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
        } else {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    /// Opens `path` for writing from its start, created when absent, emptied (a device or a pipe ignores that),
    /// never replaced.
    public static func open(_ path: String) throws -> FileHandle {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }
}
