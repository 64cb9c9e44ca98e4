import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// Open connections per client address, shared by every connection's ``ConnectionGuard``.
final class ClientConnections: Sendable {
    let limit: Int
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection of `client`; false (and nothing counted) when the client holds `limit` already.
    func open(_ client: String) -> Bool {
        counts.withLockedValue { counts in
            let n = counts[client, default: 0]
            guard n < limit else { return false }
            counts[client] = n + 1
            return true
        }
    }

    func close(_ client: String) {
        counts.withLockedValue { counts in
            let n = counts[client, default: 1] - 1
            counts[client] = n > 0 ? n : nil
        }
    }

    /// Connections open now (for tests).
    var total: Int { counts.withLockedValue { $0.values.reduce(0, +) } }
}

/// Guards one connection: closes it on arrival when its client holds too many already, and whenever the client
/// stalls: a request's headers not complete within `timeout` of the connection opening (or of the previous
/// response), its body sending nothing for `timeout`, or its body as a whole slower than ``minimumRate`` (a byte
/// every few seconds keeps the connection from idling, not from this deadline). Handlers of the server itself (a
/// slow PDF) never count against the client.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let connections: ClientConnections
    let timeout: TimeAmount
    private var client: String?
    private var timer: Scheduled<Void>?
    private var deadline: Scheduled<Void>?
    /// Bytes a second a request body must average (on top of `timeout`).
    static let minimumRate = 50_000

    init(connections: ClientConnections, timeout: TimeAmount) {
        self.connections = connections
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "local"
        guard connections.open(address) else {
            context.close(promise: nil)
            return
        }
        client = address
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            arm(context)  // the body must keep coming
            // … and arrive in full in time for its length (unknown length: the time of 64 KB).
            let length = head.headerFields[.contentLength].flatMap { Int($0) } ?? (64 << 10)
            let allowed = timeout + .seconds(Int64(length / Self.minimumRate))
            deadline?.cancel()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: allowed) { bound.value.close(promise: nil) }
        case .body: arm(context)
        case .end: disarm()  // the server's turn
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            deadline?.cancel()
            deadline = nil
            arm(context)  // the next request's headers, in time
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        deadline?.cancel()
        deadline = nil
    }

    private func release() {
        disarm()
        if let client {
            connections.close(client)
            self.client = nil
        }
    }
}
