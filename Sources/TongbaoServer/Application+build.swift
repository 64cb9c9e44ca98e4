import Foundation
import Hummingbird
import Logging
import NIOCore
import TongbaoCore
import TongbaoStore

/// Builds the web application on `store`: `tongbao serve` runs it, and the tests call it through
/// `app.test(.router)`. Templates and assets are loaded and checked here, before the first request.
///
/// `onRunning` is called with the port once the server listens (not before: a port in use fails first).
public func buildApplication(
    store: any Store, config: ServerConfig, logger: Logger? = nil,
    onRunning: (@Sendable (Int) async -> Void)? = nil
) async throws -> some ApplicationProtocol {
    let views = try await Views.load()
    let openAPI = String(decoding: try Views.asset("openapi.json"), as: UTF8.self)
    let style = try Views.asset("style.css")
    let workbench = Workbench(store: store, config: config)
    Spool.sweep(olderThan: config.previewLifetime)
    let router = Router(context: AppContext.self, options: .autoGenerateHeadEndpoints)
    var log = logger ?? Logger(label: "tongbao")
    if logger == nil { log.logLevel = .info }
    router.add(middleware: AccessLogMiddleware(logger: log))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorMiddleware(views: views))
    router.add(middleware: IdentifyMiddleware(store: store, config: config))
    router.add(middleware: CSRFMiddleware())
    router.add(middleware: ReplicaReadsMiddleware())
    router.get(SiteURL.style.pattern) { _, _ -> Response in
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: style)))
    }
    let throttle = LoginThrottle(free: config.freeLoginAttempts)
    AuthController(
        store: store, config: config, views: views, throttle: throttle,
        workbench: workbench, decoyHash: Secrets.hashPassword(Secrets.token(), cost: config.bcryptCost)
    ).register(router)
    DashboardController(views: views, workbench: workbench).register(router)
    ReportController(store: store, views: views, workbench: workbench).register(router)
    UploadController(
        views: views, workbench: workbench,
        pending: PendingUploads(perUser: config.previewsPerUser, lifetime: config.previewLifetime)
    ).register(router)
    EditController(store: store, views: views, workbench: workbench).register(router)
    BulletinController(store: store, views: views, workbench: workbench).register(router)
    AuditController(store: store, views: views).register(router)
    ListsController(store: store, views: views).register(router)
    CalendarController(store: store, views: views).register(router)
    TemplatesController(store: store, views: views, workbench: workbench).register(router)
    AccountsController(store: store, config: config, views: views, throttle: throttle).register(router)
    MeController(store: store, config: config, views: views, throttle: throttle).register(router)
    CityController(store: store, config: config, views: views).register(router)
    APIController(store: store, workbench: workbench, openAPI: openAPI).register(router)
    Operations.register(router, store: store)
    // Behind a trusted proxy every connection comes from the proxy: the proxy limits its clients.
    let connections = ClientConnections(limit: config.trustProxy ? Int.max : config.connectionsPerClient)
    let timeout = TimeAmount.milliseconds(Int64(config.readTimeout * 1000))
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuard(connections: connections, timeout: timeout)])),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Tongbao"),
        onServerRunning: { channel in await onRunning?(channel.localAddress?.port ?? config.port) },
        logger: log)
}

/// Why `tongbao serve` could not listen, in words an installer can act on; other errors as they are.
public func explainListenFailure(_ error: any Error, host: String, port: Int) -> any Error {
    if error is SocketAddressError || error is SocketAddressError.UnknownHost {
        return ListenFailure(
            message: "无法在 \(host):\(port) 上启动网页服务：“\(host)”不是本机的地址或主机名；请用 --host 给出，如 127.0.0.1 或 0.0.0.0")
    }
    guard let io = error as? IOError else { return error }
    let why: String
    switch io.errnoCode {
    case EADDRINUSE: why = "端口 \(port) 已被另一个程序占用（可能是另一个 tongbao serve）；请用 --port 换一个端口，或先停止那个程序"
    case EACCES: why = "没有权限使用端口 \(port)（1024 以下的端口须管理员权限）；请用 --port 换一个 1024 以上的端口"
    case EADDRNOTAVAIL: why = "本机没有地址 \(host)；请用 --host 给出本机的地址，如 127.0.0.1 或 0.0.0.0"
    default: why = "\(io)"
    }
    return ListenFailure(message: "无法在 \(host):\(port) 上启动网页服务：\(why)")
}

/// A listen error as ``explainListenFailure(_:host:port:)`` words it.
public struct ListenFailure: Error, LocalizedError {
    public var message: String
    public var errorDescription: String? { message }
}
