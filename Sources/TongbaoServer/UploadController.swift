import Foundation
import Hummingbird
import MultipartKit
import TongbaoCore
import TongbaoStore

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
        /// The tables and the changes as the audit page names them (the API keeps the stored names).
        var tables: [Table]
        var changes: [ReadableAudit]
        var hasChanges: Bool
        var confirm: String
    }
    struct Table: Sendable {
        var name: String
        var inserted: Int
        var updated: Int
        var unchanged: Int
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
            let path = try await Spool.form(request, csrf: context.csrf, limit: workbench.config.uploadLimit)
            let name = path.lastPathComponent
            let report: ImportReport
            do {
                report = try await workbench.importUpload(path, as: account, source: "web:\(name)", dryRun: true)
            } catch {
                Spool.discard(path)
                throw error
            }
            let id = await pending.add(.init(owner: account.name, name: name, path: path, at: workbench.config.now()))
            let result = ImportResult(report, dryRun: true, for: account)
            let preview = Preview(
                chrome: Chrome(context, title: "确认导入 \(name)", active: "上传数据", period: report.periods.last),
                id: id, fileName: name, periods: result.periods.joined(separator: "、"), result: result,
                tables: result.tables.map {
                    Table(
                        name: AuditEntry.tableName($0.table), inserted: $0.inserted, updated: $0.updated,
                        unchanged: $0.unchanged)
                },
                changes: report.writes.flatMap(\.changes).prefix(ImportResult.listed).map {
                    var row = $0.readable(UnitDirectory(report.units))
                    (row.old, row.new) = (row.old.isEmpty ? "（空）" : row.old, row.new.isEmpty ? "（空）" : row.new)
                    return row
                },
                hasChanges: !result.changes.isEmpty || result.tables.contains { $0.inserted + $0.updated > 0 },
                confirm: SiteURL.uploadConfirm.link())
            return try views.page("upload-preview", preview)
        }
        router.post(SiteURL.uploadConfirm.pattern) { request, context -> Response in
            let account = try context.requireImporter()
            let form = try await Forms.fields(request, context: context)
            guard
                let entry = await pending.take(form["id"] ?? "", owner: account.name, now: workbench.config.now())
            else {
                throw WebError.notFound("待确认的上传（已确认、已过期或不属于您）")
            }
            defer { Spool.discard(entry.path) }
            let report = try await workbench.importUpload(
                entry.path, as: account, source: "web:\(entry.name)", dryRun: false)
            let target =
                account.role == .reporter
                ? SiteURL.report.link(
                    account.unit ?? "", report.periods.last ?? Period(containing: workbench.config.now()))
                : SiteURL.dashboard.link(report.periods.last ?? Period(containing: workbench.config.now()))
            return .redirect(to: target, type: .normal)
        }
    }
}
