import Foundation
import TongbaoCore

/// How the web application runs, read once at start (flags, then defaults).
public struct ServerConfig: Sendable {
    public var host: String
    public var port: Int
    /// Marks cookies `Secure`: set it when Tongbao is served over HTTPS (behind the intranet's reverse proxy).
    public var secureCookies: Bool
    public var sessionLifetime: TimeInterval
    /// bcrypt cost of new password hashes (12 in production; tests lower it to stay fast).
    public var bcryptCost: UInt8
    public var settings: BulletinSettings
    /// Failed logins of one name allowed before each further attempt waits (see ``LoginThrottle``).
    public var freeLoginAttempts: Int
    /// The clock, injected so that tests pin it.
    public var now: @Sendable () -> Date

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
        sessionLifetime: TimeInterval = 8 * 3600, bcryptCost: UInt8 = 12, settings: BulletinSettings = .init(),
        freeLoginAttempts: Int = 3, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.bcryptCost = bcryptCost
        self.settings = settings
        self.freeLoginAttempts = freeLoginAttempts
        self.now = now
    }
}
