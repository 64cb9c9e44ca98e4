/// At most `width` jobs at once (Chromium processes printing PDFs, uploads being read), and at most `queue` waiting
/// for a turn; past that a request is refused at once with 503 instead of piling up processes or memory.
actor RenderGate {
    let width: Int
    let queue: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// What a refused request is told.
    let busy: String

    init(width: Int, queue: Int, busy: String = "正在生成的 PDF 过多，请稍后重试（或先下载 Word 版）") {
        self.width = max(1, width)
        self.queue = max(0, queue)
        self.busy = busy
    }

    /// Renders now (and the peak of renders at once seen, for tests).
    private(set) var peak = 0

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running >= width {
            guard waiting.count < queue else {
                throw WebError.unavailable(busy, retryAfter: 5)
            }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        peak = max(peak, running)
        defer { release() }
        return try await body()
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
