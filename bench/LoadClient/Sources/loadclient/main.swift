import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Month-end load on a running `tongbao serve`, as bench/load.py does it: REPORTERS reporters of DISTRICTS
// districts each read their unit's report of PERIOD through the API and save it ROUNDS times (each save names the
// version it read), from WORKERS client threads with one keep-alive connection each, within a time bound. Then
// every figure is read back: nothing lost, nothing saved twice, no 5xx. Prints one JSON line; exits 1 on any
// failure.
//
//     loadclient BASE_URL TOKENS_FILE [--workers 50] [--rounds 2] [--limit-seconds 300] [--period YYYY-MM]
//                [--server-pid PID]
//
// TOKENS_FILE has one line per reporter: token, district, unit.

struct Options {
    var base = URL(string: "http://127.0.0.1:8080")!
    var tokens = ""
    var workers = 50
    var rounds = 2
    var limitSeconds = 300.0
    /// The server's process id: its CPU time over the timed phase is reported (Linux /proc).
    var serverPID: Int?
    var period: String = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM"
        return f.string(from: Date())
    }()

    init(_ arguments: [String]) {
        var positional: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            func value() -> String {
                i += 1
                guard i < arguments.count else { fail("\(a) needs a value") }
                return arguments[i]
            }
            switch a {
            case "--workers": workers = Int(value()) ?? workers
            case "--rounds": rounds = Int(value()) ?? rounds
            case "--limit-seconds": limitSeconds = Double(value()) ?? limitSeconds
            case "--period": period = value()
            case "--server-pid": serverPID = Int(value())
            default: positional.append(a)
            }
            i += 1
        }
        guard positional.count == 2, let url = URL(string: positional[0]) else {
            fail("usage: loadclient BASE_URL TOKENS_FILE [--workers N] [--rounds N] [--limit-seconds S] [--period M]")
        }
        base = url
        tokens = positional[1]
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// One HTTP/1.1 keep-alive connection on a blocking socket.
final class Connection {
    let fd: Int32
    var buffer: [UInt8] = []

    init(host: String, port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connected == 0 else { throw ClientError("connect: errno \(errno)") }
    }

    deinit { close(fd) }

    /// Sends one request and reads its whole answer (Content-Length or chunked).
    func request(_ method: String, _ path: String, token: String, body: [UInt8]? = nil) throws -> (Int, [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: loadclient\r\nAuthorization: Bearer \(token)\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + (body ?? [])
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError("send: errno \(errno)") }
            sent += n
        }
        let headerEnd = try readUntil([13, 10, 13, 10])
        let header = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        buffer.removeFirst(headerEnd + 4)
        let lines = header.split(separator: "\r\n")
        guard let first = lines.first, let status = Int(first.split(separator: " ").dropFirst().first ?? "") else {
            throw ClientError("bad status line: \(header.prefix(80))")
        }
        var length: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased()
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
        }
        if chunked {
            var body: [UInt8] = []
            while true {
                let end = try readUntil([13, 10])
                let size = Int(String(decoding: buffer[..<end], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
                buffer.removeFirst(end + 2)
                try fill(size + 2)
                body += buffer[..<size]
                buffer.removeFirst(size + 2)
                if size == 0 { return (status, body) }
            }
        }
        let count = length ?? 0
        try fill(count)
        let body = Array(buffer[..<count])
        buffer.removeFirst(count)
        return (status, body)
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw ClientError(n == 0 ? "connection closed" : "recv: errno \(errno)") }
        buffer += chunk[..<n]
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count { try readMore() }
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var from = 0
        while true {
            if buffer.count >= marker.count {
                for i in from...(buffer.count - marker.count) where buffer[i] == marker[0] {
                    if Array(buffer[i..<(i + marker.count)]) == marker { return i }
                }
                from = buffer.count - marker.count + 1
            }
            try readMore()
        }
    }
}

struct ClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
guard let text = try? String(contentsOfFile: options.tokens, encoding: .utf8) else {
    fail("cannot read \(options.tokens)")
}
let reporters = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 3 }
let host = options.base.host ?? "127.0.0.1"
let port = options.base.port ?? 80

@Sendable func figures(_ i: Int, _ round: Int) -> [String: String] {
    let base = 1000 * i + 10 * round
    return [
        "recv_immediate": "\(base + 1)", "recv_promised": "\(base + 2)", "done_immediate": "\(base + 1)",
        "done_promised": "\(base + 2)", "ytd_recv": "", "ytd_done": "", "proxy": "",
    ]
}

@Sendable func json(_ data: [UInt8]) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any] ?? [:]
}

/// What the workers share, behind one lock.
final class Shared: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var latencies: [Double] = []
    var statuses: [Int: Int] = [:]
    var failures: [String] = []

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < reporters.count else { return nil }
        next += 1
        return next - 1
    }

    func add(_ latencies: [Double], _ statuses: [Int: Int], _ failures: [String]) {
        lock.lock()
        defer { lock.unlock() }
        self.latencies += latencies
        self.statuses.merge(statuses, uniquingKeysWith: +)
        self.failures += failures
    }
}

/// User and system CPU seconds of a process so far (/proc/PID/stat, fields 14 and 15), or nil.
func cpuSeconds(_ pid: Int?) -> Double? {
    guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

let shared = Shared()
let serverCPUBefore = cpuSeconds(options.serverPID)
let deadline = Date().addingTimeInterval(options.limitSeconds)
let clock = ContinuousClock()
let started = clock.now
let group = DispatchGroup()
for _ in 0..<options.workers {
    group.enter()
    let thread = Thread {
        defer { group.leave() }
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        var failures: [String] = []
        func call(_ c: Connection, _ method: String, _ path: String, _ token: String, _ body: [UInt8]? = nil) throws
            -> (Int, [UInt8])
        {
            let t = clock.now
            let answer = try c.request(method, path, token: token, body: body)
            let d = clock.now - t
            latencies.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            statuses[answer.0, default: 0] += 1
            return answer
        }
        do {
            let c = try Connection(host: host, port: port)
            reporters: while Date() < deadline, let i = shared.take() {
                let r = reporters[i]
                let path = "/api/v1/reports/\(r[2])/\(options.period)"
                for round in 0..<options.rounds {
                    let (status, data) = try call(c, "GET", path, r[0])
                    guard status == 200, let version = json(data)["version"] as? Int else {
                        failures.append(
                            "\(r[1]) \(r[2]) GET \(status) \(String(decoding: data.prefix(200), as: UTF8.self))")
                        continue reporters
                    }
                    let body = try JSONSerialization.data(withJSONObject: [
                        "version": version, "cases": figures(i, round),
                    ])
                    let (saved, answer) = try call(c, "PUT", path, r[0], Array(body))
                    guard saved == 200 else {
                        failures.append(
                            "\(r[1]) \(r[2]) PUT \(saved) \(String(decoding: answer.prefix(200), as: UTF8.self))")
                        continue reporters
                    }
                }
            }
        } catch {
            failures.append("worker: \(error)")
        }
        shared.add(latencies, statuses, failures)
    }
    thread.stackSize = 1 << 20
    thread.start()
}
group.wait()
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let serverCPU = cpuSeconds(options.serverPID).flatMap { after in serverCPUBefore.map { after - $0 } }

// Read every figure back: the last round's values, at version == rounds (each save counted once). A save lost
// shows as other figures; a save applied twice as a version above the number of rounds.
var lost = 0
var duplicated = 0
var failures = shared.failures
let unfinished = reporters.count - shared.next
do {
    let c = try Connection(host: host, port: port)
    for (i, r) in reporters.enumerated() {
        let (status, data) = try c.request("GET", "/api/v1/reports/\(r[2])/\(options.period)", token: r[0])
        guard status == 200 else {
            failures.append("\(r[1]) \(r[2]) read back \(status)")
            continue
        }
        let body = json(data)
        let cases = body["cases"] as? [String: Any] ?? [:]
        if figures(i, options.rounds - 1).contains(where: { (cases[$0.key] as? String ?? "") != $0.value }) {
            lost += 1
        }
        if (body["version"] as? Int ?? 0) > options.rounds { duplicated += 1 }
    }
} catch {
    failures.append("read back: \(error)")
}

let latencies = shared.latencies.sorted()
func percentile(_ q: Double) -> Double {
    latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))] * 1000
}
/// `x` to `places` decimals, as JSON prints it (a Double would print as 3.2399999999999998).
func rounded(_ x: Double, _ places: Int = 1) -> Decimal {
    Decimal(string: String(format: "%.\(places)f", x)) ?? 0
}
let fives = shared.statuses.filter { $0.key >= 500 }.map(\.value).reduce(0, +)
let report: [String: Any] = [
    "client": "loadclient", "reporters": reporters.count, "districts": Set(reporters.map { $0[1] }).count,
    "requests": latencies.count, "seconds": rounded(seconds, 2),
    "rps": rounded(Double(latencies.count) / seconds), "p50_ms": rounded(percentile(0.50)),
    "p99_ms": rounded(percentile(0.99)),
    "statuses": Dictionary(uniqueKeysWithValues: shared.statuses.map { ("\($0.key)", $0.value) }),
    "5xx": fives, "lost": lost, "duplicated": duplicated, "unfinished": unfinished,
    "failures": Array(failures.prefix(5)), "server_cpu_s": serverCPU.map { rounded($0, 2) } ?? NSNull(),
]
let line = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: line, as: UTF8.self))
exit(fives == 0 && lost == 0 && duplicated == 0 && unfinished == 0 && failures.isEmpty ? 0 : 1)
