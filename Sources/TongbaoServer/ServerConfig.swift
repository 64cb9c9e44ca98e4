import Foundation
import TongbaoCore
import TongbaoStore

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
    /// A session unused this long ends (besides its absolute end, ``sessionLifetime``).
    public var idleTimeout: TimeInterval
    /// The largest upload (a package, a zip of case records), streamed to disk, never into memory first. A zip's
    /// entries may inflate to this size each and twice it in all (``unpackLimits``): what a month's package of a
    /// district needs; a city's case records go through `tongbao ingest`, which streams.
    public var uploadLimit: Int
    /// Upload previews awaiting confirmation kept per account (older ones are dropped), and for how long.
    public var previewsPerUser: Int
    public var previewLifetime: TimeInterval
    /// Chromium processes rendering PDFs at once, and requests that may wait for one (the rest get 503).
    public var pdfRenderers: Int
    public var pdfQueue: Int
    /// Connections one client address may hold open at once; more are closed on arrival.
    public var connectionsPerClient: Int
    /// A request whose headers (or a body that stops arriving) take longer than this is closed.
    public var readTimeout: TimeInterval
    /// Served behind a reverse proxy that sets `X-Forwarded-For`: login limits count the address it names.
    public var trustProxy: Bool
    /// What an uploaded zip may inflate to.
    public var unpackLimits: PackageReader.Limits {
        var limits = PackageReader.Limits()
        limits.entrySize = UInt64(uploadLimit)
        limits.totalSize = UInt64(uploadLimit) * 2
        return limits
    }
    /// The clock, injected so that tests pin it.
    public var now: @Sendable () -> Date

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
        sessionLifetime: TimeInterval = 8 * 3600, bcryptCost: UInt8 = 12, settings: BulletinSettings = .init(),
        freeLoginAttempts: Int = 3, idleTimeout: TimeInterval = 30 * 60, uploadLimit: Int = 64 << 20,
        previewsPerUser: Int = 3, previewLifetime: TimeInterval = 30 * 60, pdfRenderers: Int = 2, pdfQueue: Int = 8,
        connectionsPerClient: Int = 32, readTimeout: TimeInterval = 30, trustProxy: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.bcryptCost = bcryptCost
        self.settings = settings
        self.freeLoginAttempts = freeLoginAttempts
        self.idleTimeout = idleTimeout
        self.uploadLimit = uploadLimit
        self.previewsPerUser = previewsPerUser
        self.previewLifetime = previewLifetime
        self.pdfRenderers = pdfRenderers
        self.pdfQueue = pdfQueue
        self.connectionsPerClient = connectionsPerClient
        self.readTimeout = readTimeout
        self.trustProxy = trustProxy
        self.now = now
    }
}
