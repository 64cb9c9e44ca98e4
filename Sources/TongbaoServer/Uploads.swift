import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import TongbaoCore
import TongbaoStore

/// Uploads go to disk as they arrive, never into memory first: the raw body of an API upload, the file part of a
/// web form. Each upload has its own directory under ``root``, removed when the upload is read, confirmed or
/// expired.
enum Spool {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-uploads")

    /// A new, empty directory for one upload.
    static func directory() throws -> URL {
        let dir = root.appendingPathComponent(Secrets.token())
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The client's file name as stored: its last path component. Names no file can have (empty, `.`, `..`,
    /// over 255 bytes, control characters) are refused with 400 before anything is written.
    static func fileName(_ name: String) throws -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        guard last.utf8.count <= 255 else {
            throw WebError.badRequest("文件名过长（\(last.count) 个字符）：请改短后再上传")
        }
        guard !last.isEmpty, last != ".", last != "..",
            !last.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            let shown = String(
                String.UnicodeScalarView(
                    name.unicodeScalars.map {
                        $0.properties.generalCategory == .control ? "?" : $0
                    }
                ).prefix(40))
            throw WebError.badRequest("文件名“\(shown)”无效（空、“.”或含控制字符）：请用 .zip、.xlsx 或 .csv 文件原来的名字上传")
        }
        return last
    }

    /// Appends chunks to a file and refuses past `limit` bytes (the file is left for the caller to remove).
    struct Writer {
        let handle: FileHandle
        let limit: Int
        private(set) var written = 0

        init(path: URL, limit: Int) throws {
            guard FileManager.default.createFile(atPath: path.path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path.path)
            else { throw WebError.unavailable("服务器无法保存上传的文件（临时目录不可写）") }
            self.handle = handle
            self.limit = limit
        }

        mutating func write(_ buffer: ByteBuffer) throws {
            written += buffer.readableBytes
            guard written <= limit else { throw WebError.tooLarge(limit: limit) }
            try handle.write(contentsOf: buffer.readableBytesView)
        }

        func close() { try? handle.close() }
    }

    /// Refuses at once a request whose declared length is past `limit` (plus room for a form's other fields).
    static func checkLength(_ request: Request, limit: Int) throws {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit + (64 << 10) {
            throw WebError.tooLarge(limit: limit)
        }
    }

    /// Streams a raw request body into `name` inside a new directory; returns the file's path.
    static func body(_ request: Request, name: String, limit: Int) async throws -> URL {
        try checkLength(request, limit: limit)
        let dir = try directory()
        do {
            let path = dir.appendingPathComponent(try fileName(name))
            var writer = try Writer(path: path, limit: limit)
            defer { writer.close() }
            for try await chunk in request.body { try writer.write(chunk) }
            guard writer.written > 0 else { throw WebError.badRequest("上传的文件为空") }
            return path
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    /// Streams the part `file` of a `multipart/form-data` body into a new directory, after checking the form's
    /// `_csrf` part, which must come first (the upload form puts it first), against the session's token: nothing
    /// of the file is written before. Fields before the file are bounded (64 KB in all).
    static func form(_ request: Request, csrf expected: String?, limit: Int) async throws -> URL {
        guard let boundary = Forms.param(request.headers[.contentType] ?? "", "boundary"), boundary.count <= 200 else {
            throw WebError.badRequest("请选择要上传的文件")
        }
        try checkLength(request, limit: limit)
        let dir = try directory()
        let parser = MultipartParser(boundary: boundary)
        var state = FormState()
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { chunk in state.body(chunk) }
        parser.onPartComplete = { state.partComplete() }
        do {
            for try await chunk in request.body {
                state.pending += chunk.readableBytes
                try parser.execute(chunk)
                if let error = state.error { throw error }
                if state.pending > 64 << 10 { throw WebError.badRequest("表单字段过长") }
                if let name = state.startFile {
                    state.startFile = nil
                    guard let sent = state.csrfBeforeFile, let expected, !expected.isEmpty,
                        Secrets.equal(sent, expected)
                    else {
                        throw WebError.csrf
                    }
                    let path = dir.appendingPathComponent(try fileName(name))
                    state.writer = try Writer(path: path, limit: limit)
                    state.path = path
                }
                try state.writeHeld()
            }
            state.writer?.close()
            guard let path = state.path, state.fileDone else { throw WebError.badRequest("请选择要上传的文件") }
            guard state.writer?.written ?? 0 > 0 else { throw WebError.badRequest("上传的文件为空") }
            return path
        } catch {
            state.writer?.close()
            try? FileManager.default.removeItem(at: dir)
            throw (error as? WebError) ?? WebError.badRequest("上传的表单无法解析")
        }
    }

    /// What the multipart callbacks learn; file bytes wait in `held` until the CSRF check allows writing.
    private struct FormState {
        var headers: [(String, String)] = []
        var field = ""
        var fieldBytes: [UInt8] = []
        var csrf: String?
        /// The token as it stood when the file part began: only a token sent before the file counts.
        var csrfBeforeFile: String?
        var startFile: String?
        var inFile = false
        var fileDone = false
        var held: [ByteBuffer] = []
        var writer: Writer?
        var path: URL?
        var pending = 0
        var error: WebError?

        mutating func header(_ name: String, _ value: String) {
            headers.append((name, value))
        }

        mutating func body(_ chunk: ByteBuffer) {
            pending = 0
            if !inFile, field.isEmpty {
                let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
                field = Forms.param(disposition, "name") ?? "?"
                if field == "file", path == nil, !fileDone {
                    inFile = true
                    startFile = Forms.param(disposition, "filename") ?? ""
                    csrfBeforeFile = csrf
                }
            }
            if inFile {
                held.append(chunk)
            } else if field == "_csrf" {
                fieldBytes += chunk.readableBytesView
                if fieldBytes.count > 1024 { error = .csrf }
            }
        }

        mutating func partComplete() {
            pending = 0
            if inFile {
                inFile = false
                fileDone = true
            } else if field.isEmpty {
                // A part with no body: an empty field, or a file input left empty.
                let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
                if Forms.param(disposition, "name") == "file" { error = .badRequest("上传的文件为空") }
            } else if field == "_csrf" {
                csrf = String(decoding: fieldBytes, as: UTF8.self)
            }
            headers = []
            field = ""
            fieldBytes = []
        }

        /// Writes what the file part received, once the CSRF check has opened the file; until then (within
        /// one received chunk) it is held.
        mutating func writeHeld() throws {
            guard writer != nil else { return }
            for chunk in held { try writer?.write(chunk) }
            held = []
        }
    }
}

/// Uploads awaiting confirmation: the previewed file stays in its spool directory for
/// ``ServerConfig/previewLifetime`` for the account that uploaded it, at most ``ServerConfig/previewsPerUser``
/// per account (a newer preview drops the oldest). Confirming or expiring removes the file.
actor PendingUploads {
    struct Entry: Sendable {
        var owner: String
        var name: String
        var path: URL
        var at: Date
        /// Order of arrival (times may tie).
        var sequence = 0
    }
    private var entries: [String: Entry] = [:]
    private var arrivals = 0
    let perUser: Int
    let lifetime: TimeInterval

    init(perUser: Int, lifetime: TimeInterval) {
        self.perUser = perUser
        self.lifetime = lifetime
    }

    /// How many previews are held (for tests of the cap).
    var count: Int { entries.count }

    func add(_ entry: Entry) -> String {
        sweep(now: entry.at)
        let mine = entries.filter { $0.value.owner == entry.owner }.sorted { $0.value.sequence < $1.value.sequence }
        for (id, old) in mine.prefix(max(0, mine.count - perUser + 1)) { drop(id, old) }
        let id = Secrets.token()
        arrivals += 1
        var entry = entry
        entry.sequence = arrivals
        entries[id] = entry
        return id
    }

    /// The entry, handed over once to its owner; the caller removes its file (``Spool/discard(_:)``).
    func take(_ id: String, owner: String, now: Date) -> Entry? {
        sweep(now: now)
        guard let e = entries[id], e.owner == owner else { return nil }
        entries[id] = nil
        return e
    }

    private func sweep(now: Date) {
        for (id, e) in entries where now.timeIntervalSince(e.at) >= lifetime { drop(id, e) }
    }

    private func drop(_ id: String, _ e: Entry) {
        entries[id] = nil
        Spool.discard(e.path)
    }
}

extension Spool {
    /// Removes uploads left older than `age` (by a server that stopped with previews pending). Newer ones may be
    /// another server's on this machine and stay.
    static func sweep(olderThan age: TimeInterval, now: Date = Date()) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] {
            let dir = root.appendingPathComponent(name)
            let modified = (try? fm.attributesOfItem(atPath: dir.path)[.modificationDate] as? Date) ?? now
            if now.timeIntervalSince(modified) > age { try? fm.removeItem(at: dir) }
        }
    }

    /// Removes an upload's directory.
    static func discard(_ file: URL) {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }
}
