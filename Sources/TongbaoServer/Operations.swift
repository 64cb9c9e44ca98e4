import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import TongbaoStore

/// What an operator watches: `GET /healthz` (the store answers and its schema is current), `GET /metrics` in the
/// Prometheus text format (swift-metrics through swift-prometheus), and one access-log line per request.
enum Operations {
    /// The process's registry, behind the swift-metrics system (bootstrapped once, by the first application).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Counted events of the application, beside the framework's request counts and latencies.
    enum Count: String {
        case saves = "tongbao_report_saves"
        case imports = "tongbao_imports"
        case importedRows = "tongbao_imported_rows"
        case ingestedCases = "tongbao_ingested_case_records"
        case pdfRenders = "tongbao_pdf_renders"
        case loginFailures = "tongbao_login_failures"
    }

    static func count(_ what: Count, by n: Int = 1, _ dimensions: [(String, String)] = []) {
        Counter(label: what.rawValue, dimensions: dimensions).increment(by: n)
    }

    static func register(_ router: Router<AppContext>, store: any Store) {
        _ = registry
        router.get(SiteURL.healthz.pattern) { _, _ -> Response in
            let pending: [String]
            do {
                pending = try await store.pendingMigrations()
            } catch {
                let why = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                return JSON.text("数据库无法访问：\(why)\n", type: "text/plain; charset=utf-8", status: .serviceUnavailable)
            }
            guard pending.isEmpty else {
                return JSON.text(
                    "数据库结构未更新（缺 \(pending.joined(separator: ", "))）：请运行 tongbao migrate-db 或重启服务\n",
                    type: "text/plain; charset=utf-8", status: .serviceUnavailable)
            }
            return JSON.text("ok\n", type: "text/plain; charset=utf-8")
        }
        router.get(SiteURL.metrics.pattern) { _, _ -> Response in
            JSON.bytes(
                Data(registry.emitToBuffer()), type: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}

/// One line per request through swift-log: method, path (no query: it may hold a name), status, milliseconds and
/// the client address.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        var status = 500
        defer {
            let tenths = Int(((ContinuousClock.now - started) / .microseconds(100)).rounded())
            logger.info(
                "\(request.method) \(request.uri.path) \(status) \(tenths / 10).\(tenths % 10)ms",
                metadata: ["client": "\(context.peerAddress)"])
        }
        let response = try await next(request, context)
        status = Int(response.status.code)
        return response
    }
}
