import Foundation
import Hummingbird
import MultipartKit
import TongbaoCore
import TongbaoStore

/// Uploads awaiting confirmation: the files of a previewed package, held in memory for 30 minutes for the
/// person who uploaded them.
actor PendingUploads {
    struct Entry {
        var owner: String
        var name: String
        var files: [PackageFile]
        var at: Date
    }
    private var entries: [String: Entry] = [:]

    func add(_ entry: Entry) -> String {
        entries = entries.filter { entry.at.timeIntervalSince($0.value.at) < 1800 }
        let id = Secrets.token()
        entries[id] = entry
        return id
    }

    func take(_ id: String, owner: String) -> Entry? {
        guard let e = entries[id], e.owner == owner else { return nil }
        entries[id] = nil
        return e
    }
}

/// Upload of a data package (.zip or .csv): a preview of every figure it would change (old → new) and its
/// warnings, then confirm.
struct UploadController {
    let views: Views
    let workbench: Workbench
    let pending: PendingUploads

    struct Page: Sendable {
        var chrome: Chrome
        var action: String
    }
    struct Preview: Sendable {
        var chrome: Chrome
        var id: String
        var fileName: String
        var periods: String
        var result: ImportResult
        var hasChanges: Bool
        var confirm: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.upload.pattern) { _, context -> Response in
            _ = try context.requireImporter()
            return try views.page(
                "upload",
                Page(
                    chrome: Chrome(context, title: "上传数据包", active: "上传数据", period: nil), action: SiteURL.upload.link())
            )
        }
        router.post(SiteURL.upload.pattern) { request, context -> Response in
            let account = try context.requireImporter()
            let (name, files) = try await Self.files(request, context: context)
            let report = try await workbench.importFiles(files, as: account, source: "web:\(name)", dryRun: true)
            let id = await pending.add(.init(owner: account.name, name: name, files: files, at: workbench.config.now()))
            let result = ImportResult(report, dryRun: true)
            let preview = Preview(
                chrome: Chrome(context, title: "确认导入 \(name)", active: "上传数据", period: report.periods.last),
                id: id, fileName: name, periods: result.periods.joined(separator: "、"), result: result,
                hasChanges: !result.changes.isEmpty, confirm: SiteURL.uploadConfirm.link())
            return try views.page("upload-preview", preview)
        }
        router.post(SiteURL.uploadConfirm.pattern) { request, context -> Response in
            let account = try context.requireImporter()
            let form = try await Forms.fields(request, context: context)
            guard let entry = await pending.take(form["id"] ?? "", owner: account.name) else {
                throw WebError.notFound("待确认的上传（已确认、已过期或不属于您）")
            }
            let report = try await workbench.importFiles(
                entry.files, as: account, source: "web:\(entry.name)", dryRun: false)
            let target =
                account.role == .reporter
                ? SiteURL.report.link(account.unit ?? "", report.periods.last ?? Period(containing: Date()))
                : SiteURL.dashboard.link(report.periods.last ?? Period(containing: Date()))
            return .redirect(to: target, type: .normal)
        }
    }

    /// The uploaded file as package files: a .zip or a single .csv (by its name), read as `tongbao import` reads.
    static func files(_ request: Request, context: AppContext) async throws -> (String, [PackageFile]) {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard let boundary = Forms.param(request.headers[.contentType] ?? "", "boundary"),
            let file = try? Self.part(named: "file", in: body, boundary: boundary)
        else { throw WebError.badRequest("请选择要上传的文件") }
        return (file.name ?? "upload.csv", try readPackage(name: file.name ?? "upload.csv", bytes: file.data))
    }

    /// The part of a multipart body with form name `field`: its file name and bytes.
    static func part(named field: String, in body: ByteBuffer, boundary: String) throws -> (name: String?, data: Data)?
    {
        let parser = MultipartParser(boundary: boundary)
        var headers: [(String, String)] = []
        var data = Data()
        var found: (String?, Data)?
        parser.onHeader = { headers.append(($0, $1)) }
        parser.onBody = { data.append(contentsOf: $0.readableBytesView) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            if found == nil, Forms.param(disposition, "name") == field {
                found = (Forms.param(disposition, "filename"), data)
            }
            headers = []
            data = Data()
        }
        try parser.execute(body)
        return found.map { (name: $0.0, data: $0.1) }
    }

    static func readPackage(name: String, bytes: Data) throws -> [PackageFile] {
        guard !bytes.isEmpty else { throw WebError.badRequest("上传的文件为空") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-upload-\(Secrets.token())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Only the last path component of the client's name is used, so nothing is written outside `dir`.
        let safe = (name as NSString).lastPathComponent.replacingOccurrences(of: "..", with: "_")
        let path = dir.appendingPathComponent(safe.isEmpty ? "upload.csv" : safe)
        try bytes.write(to: path)
        return try PackageReader.read(path.path)
    }
}
