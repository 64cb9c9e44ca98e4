import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `tongbao` executable, for end-to-end tests.
public enum CLI {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The executable built beside the test bundle (`swift build --build-tests`).
    public static var executable: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tongbao"),
            Fixtures.root.appendingPathComponent(".build/debug/tongbao"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    /// A loopback port nobody listens on now, chosen by the kernel (bind to port 0). A random pick from a fixed
    /// range collided with a parallel test's connections (the ephemeral range) and the server failed to bind.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : Int.random(in: 20_000..<32_000)
    }

    public static func process(_ arguments: [String]) -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        return (p, out, err)
    }

    /// Runs to completion and collects the output (in files: neither pipe can fill while the other is read).
    /// It spawns with `posix_spawn`: Foundation's `Process.run` lists and closes the parent's descriptors, and
    /// crashed (signal 11) when a parallel test opened and closed files meanwhile.
    /// `environment` adds to (or replaces in) this process's environment; a value of nil removes the variable.
    public static func run(_ arguments: [String], environment: [String: String?] = [:]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let (outPath, errPath) = (
            dir.appendingPathComponent("cli-\(id).out"), dir.appendingPathComponent("cli-\(id).err")
        )
        defer {
            try? FileManager.default.removeItem(at: outPath)
            try? FileManager.default.removeItem(at: errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let path = executable.path
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in environment { variables[key] = value }
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, &argv, &envp)
        guard rc == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: path]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return Result(status: exit, stdout: read(outPath), stderr: read(errPath))
    }
}
