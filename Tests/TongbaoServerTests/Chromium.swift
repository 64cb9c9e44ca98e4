import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// commands on fd 3, replies on fd 4, each a JSON text ended by NUL), so the test needs no WebSocket client.
final class Chromium: @unchecked Sendable {
    private let pid: pid_t
    private let commands: Int32
    private let replies: Int32
    private var nextID = 1
    private var pending = Data()
    private let profile: URL
    var session: String?

    static var executable: String? {
        let candidates = [
            ProcessInfo.processInfo.environment["TONGBAO_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(executable: String) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-chromium-\(UUID().uuidString)")
        var toChrome: [Int32] = [0, 0]
        var fromChrome: [Int32] = [0, 0]
        guard pipe(&toChrome) == 0, pipe(&fromChrome) == 0 else { throw Failure("pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChrome[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromChrome[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let args = [
            executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--remote-debugging-pipe", "--hide-scrollbars",
            "--lang=zh-CN", "--user-data-dir=\(profile.path)", "--window-size=1280,1800", "about:blank",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, &argv, environ)
        guard rc == 0 else { throw Failure("cannot start \(executable): \(rc)") }
        pid = child
        close(toChrome[0])
        close(fromChrome[1])
        commands = toChrome[1]
        replies = fromChrome[0]
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(commands)
        close(replies)
        try? FileManager.default.removeItem(at: profile)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Sends one command and waits (at most `timeout` seconds) for its reply; returns its `result`.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], timeout: TimeInterval = 30) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        let written = data.withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
        guard written == data.count else { throw Failure("write to Chromium failed") }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let reply = try readMessage(until: deadline)
            guard reply["id"] as? Int == id else { continue }  // events and other replies
            if let error = reply["error"] { throw Failure("\(method): \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
        throw Failure("\(method): no reply within \(timeout) s")
    }

    private func readMessage(until deadline: Date) throws -> [String: Any] {
        while true {
            if let end = pending.firstIndex(of: 0) {
                let body = pending[pending.startIndex..<end]
                pending = Data(pending[(end + 1)...])
                return try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
            }
            var poller = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard poll(&poller, 1, left) > 0 else { throw Failure("Chromium did not answer in time") }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = read(replies, &buffer, buffer.count)
            guard n > 0 else { throw Failure("Chromium closed its pipe") }
            pending.append(contentsOf: buffer[0..<n])
        }
    }

    // MARK: - Page helpers

    /// Opens a tab and attaches to it; later commands go to that tab.
    func openTab() throws {
        let target = try send("Target.createTarget", ["url": "about:blank"])
        let attached = try send("Target.attachToTarget", ["targetId": target["targetId"] ?? "", "flatten": true])
        session = attached["sessionId"] as? String
        try send("Page.enable")
        try send("DOM.enable")
        try send("CSS.enable")
    }

    /// The value of a JavaScript expression evaluated by DevTools in the page (not subject to the page's CSP).
    func evaluate(_ expression: String) throws -> Any? {
        let r = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = r["exceptionDetails"] { throw Failure("evaluate \(expression): \(exception)") }
        return (r["result"] as? [String: Any])?["value"]
    }

    func navigate(_ url: String) throws {
        try send("Page.navigate", ["url": url])
        try waitFor(
            "document.readyState === 'complete' && location.href.startsWith(\(Self.quote(url.components(separatedBy: "?")[0])))"
        )
    }

    /// Polls `condition` (JavaScript) until it is true, at most `timeout` seconds.
    func waitFor(_ condition: String, timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? evaluate(condition)) as? Bool == true { return }
            usleep(100_000)
        }
        throw Failure("timed out waiting for \(condition)")
    }

    /// The fonts Chromium used for the text of the first element matching `selector`.
    func fonts(of selector: String) throws -> [String] {
        let doc = try send("DOM.getDocument", ["depth": -1])
        let root = (doc["root"] as? [String: Any])?["nodeId"] ?? 0
        let node = try send("DOM.querySelector", ["nodeId": root, "selector": selector])
        guard let id = node["nodeId"] as? Int, id != 0 else { throw Failure("no element \(selector)") }
        let used = try send("CSS.getPlatformFontsForNode", ["nodeId": id])
        return (used["fonts"] as? [[String: Any]] ?? []).compactMap { $0["familyName"] as? String }
    }

    func screenshot() throws -> Data {
        let shot = try send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        guard let base64 = shot["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure("no screenshot data")
        }
        return data
    }

    static func quote(_ s: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [s])
        return data.map { String(decoding: $0, as: UTF8.self).dropFirst().dropLast() }.map(String.init) ?? "\"\""
    }
}
