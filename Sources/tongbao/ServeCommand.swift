import ArgumentParser
import Foundation
import Hummingbird
import TongbaoCore
import TongbaoServer
import TongbaoStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "启动网页服务（填报、审核、发布、概览）和 /api/v1 接口。")

    @OptionGroup var database: DatabaseOption
    @Option(
        name: .customLong("db-read"),
        help: "PostgreSQL 只读副本（流复制的 standby）：页面和 API 的读取发往它，写入仍发往 --db（见 docs/scaling.md）；省略时读环境变量 TONGBAO_DB_READ。")
    var dbRead: String?
    @Option(help: "监听地址。") var host: String = "127.0.0.1"
    @Option(help: "端口。") var port: Int = 8080
    @Flag(name: .customLong("secure-cookies"), help: "经 HTTPS（反向代理）提供服务时加上，使会话 Cookie 仅经 HTTPS 发送。")
    var secureCookies = false
    @Option(name: .customLong("idle-minutes"), help: "会话闲置多少分钟后失效（默认 30）。") var idleMinutes: Int = 30
    @Option(name: .customLong("upload-limit-mb"), help: "单次上传的上限，MB（默认 64；zip 解压后每个文件不超过此数，合计不超过其两倍）。")
    var uploadLimitMB: Int = 64
    @Option(name: .customLong("pdf-renderers"), help: "同时生成 PDF 的 Chromium 进程数（默认 2）。") var pdfRenderers: Int = 2
    @Option(name: .customLong("connections-per-client"), help: "每个客户端地址同时可开的连接数（默认 32）。")
    var connectionsPerClient: Int = 32
    @Option(name: .customLong("read-timeout-seconds"), help: "请求头须在多少秒内收完，请求体停顿多少秒即断开（默认 30）。")
    var readTimeout: Int = 30
    @Flag(name: .customLong("trust-proxy"), help: "在反向代理之后运行时加上：登录限制按代理在 X-Forwarded-For 中写入的地址计算。")
    var trustProxy = false

    func validate() throws {
        try Serving.check(port: port)
        guard !host.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--host 不能为空：本机访问用 127.0.0.1，局域网访问用 0.0.0.0")
        }
        guard idleMinutes >= 1, uploadLimitMB >= 1, pdfRenderers >= 1, connectionsPerClient >= 1, readTimeout >= 1
        else {
            throw ValidationError(
                "--idle-minutes、--upload-limit-mb、--pdf-renderers、--connections-per-client 和 --read-timeout-seconds 须为正整数"
            )
        }
    }

    func run() async throws {
        try await Serving.run(
            db: database.location, readReplica: dbRead ?? ProcessInfo.processInfo.environment["TONGBAO_DB_READ"],
            config: ServerConfig(
                host: host, port: port, secureCookies: secureCookies, idleTimeout: TimeInterval(idleMinutes * 60),
                uploadLimit: uploadLimitMB << 20, pdfRenderers: pdfRenderers,
                connectionsPerClient: connectionsPerClient, readTimeout: TimeInterval(readTimeout),
                trustProxy: trustProxy))
    }
}

enum Serving {
    static func run(db: String, readReplica: String? = nil, config: ServerConfig, banner: String? = nil) async throws {
        let store = try await SQLStore.open(db, readReplica: readReplica)
        do {
            let app = try await buildApplication(store: store, config: config) { port in
                let host = config.host.contains(":") ? "[\(config.host)]" : config.host
                print("通报网页服务：http://\(host):\(port)/  （Ctrl-C 停止）")
                if let banner { print(banner) }
                fflush(nil)
            }
            try await app.runService()
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw explainListenFailure(error, host: config.host, port: config.port)
        }
    }

    /// A port a server can listen on; 0 (any free port) is left to tests, which call the application directly.
    static func check(port: Int) throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port 须为 1 到 65535 之间的整数（现为 \(port)）") }
    }
}
