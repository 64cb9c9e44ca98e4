import Crypto
import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOPosix

/// Passwords (bcrypt) and random tokens (sessions, CSRF, API), of which the store keeps only SHA-256 hashes.
public enum Secrets {
    public static func hashPassword(_ password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// The threads of a server's bcrypt, as HummingbirdBcrypt advises: a check takes tens of milliseconds, and run
    /// in a handler it would hold one of the few threads that answer every other request and run their SQLite
    /// statements (Swift's concurrency pool, one thread per core), so logins would queue saves behind them.
    static let bcryptThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    static func hashPasswordInPool(_ password: String, cost: UInt8) async throws -> String {
        try await bcryptThreads.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// ``verify(_:hash:)`` on the bcrypt threads (see ``bcryptThreads``).
    static func verifyInPool(_ password: String, hash: String) async throws -> Bool {
        try await bcryptThreads.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// 32 random bytes from the system's generator, as URL-safe text.
    public static func token() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func sha256(_ text: String) -> String {
        // Lower-case hex, two digits a byte (every request with a session or token hashes it: no `String(format:)`).
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two secrets in time independent of where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
