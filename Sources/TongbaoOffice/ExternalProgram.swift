import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program from the system (Chromium, LibreOffice, pdftotext) run to completion in its own process group.
///
/// It uses `posix_spawn` and polls `waitpid`: Foundation's `Process` can miss the exit of a child that forks its own
/// helpers, and polling with `Task.sleep` keeps a server's threads free while Chromium prints.
public struct ExternalProgram: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// The first of `names` that is an executable on `PATH` (or an absolute path that exists).
    public static func find(_ names: [String]) -> ExternalProgram? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(
            String.init)
        for name in names {
            if name.hasPrefix("/") {
                if FileManager.default.isExecutableFile(atPath: name) { return ExternalProgram(path: name) }
                continue
            }
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
                return ExternalProgram(path: dir + "/" + name)
            }
        }
        return nil
    }

    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var timedOut: Bool
    }

    /// Runs with `arguments`, standard output and error captured together; kills the whole group after `timeout`.
    public func run(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Outcome {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, &argv, environ)
        guard rc == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: path]) }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var timedOut = false
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(-pid, SIGKILL)  // helpers left behind (Chromium's zygote, LibreOffice's oosplash)
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Outcome(status: timedOut ? -1 : exit, output: output, timedOut: timedOut)
    }
}
