import Foundation
import Testing
import TongbaoCore
import TongbaoReport
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// Issue 16: the 通报模板 page (preview beside the editor, save as a version, choose one), a city's common
/// template, and publication keeping the template it was written with.
@Suite struct TemplatePagesTests {
    static let wording = """
        【标题】{区县名称}政务服务月报
        【章】总体情况
        {月}全区办结{全区办件量}件[，{比上月(全区办件量)}]。
        【表】单位办件表 范围=镇街各单位 列=名称、受理量、办结量 排序=办结量 前=3 标题=办结量前三位的镇街
        """

    @Test(arguments: TestBackend.available) func previewSaveUseAndPublicationKeepsItsVersion(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            // A mistake: 422 with where and why, nothing saved.
            let bad = try await admin.post(
                "/templates", ["name": "区县通报", "body": "【章】一\n{全区办件数}", "action": "save", "period": "2021-07"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("第2行第2列：未知的名称“全区办件数”；是不是“全区办件量”？"), "\(bad.text)")
            #expect(try await web.store.templates(owner: "yubei").isEmpty)

            // The preview shows the month in the template's words, beside the editor.
            let preview = try await admin.post(
                "/templates", ["name": "区县通报", "body": Self.wording, "action": "preview", "period": "2021-07"])
            #expect(preview.status == .ok)
            #expect(preview.text.contains("srcdoc=") && preview.text.contains("7月全区办结309055件，比上月增加16305件，增长5.57%。"))

            // Saved: version 1; the same text again saves nothing; another text is version 2. Both audited.
            let first = Self.wording.replacingOccurrences(of: "政务服务月报", with: "政务服务情况")
            for body in [first, first, Self.wording] {
                let saved = try await admin.post(
                    "/templates", ["name": "区县通报", "body": body, "action": "save", "period": "2021-07"])
                #expect(saved.status == .seeOther)
            }
            #expect(try await web.store.templateVersions(owner: "yubei", name: "区县通报").map(\.version) == [2, 1])
            let audit = try await web.store.auditEntries(district: "yubei", table: "bulletin_templates")
            let kept = [first, Self.wording].map { TemplateLimits.normalized($0).count }
            #expect(audit.map(\.new) == ["第1版（\(kept[0])字）", "第2版（\(kept[1])字）"])
            // Saving changes nothing in use: the standard template still writes the bulletin.
            #expect(try await admin.get("/bulletin/2021-07/document/md").text.contains("## 一、全区审批服务事项办件情况"))
            let standard = try await admin.get("/bulletin/2021-07/document/md")
            #expect(try await admin.post("/templates/use", ["name": "区县通报"]).status == .seeOther)
            let md = try await admin.get("/bulletin/2021-07/document/md")
            #expect(md.text.contains("# 渝北区政务服务月报"))
            #expect(md.text.contains("### 办结量前三位的镇街"))
            #expect(md.text != standard.text)
            let json = try await admin.get("/bulletin/2021-07/document/json")
            #expect(json.text.contains("\"name\" : \"区县通报\"") && json.text.contains("\"version\" : 2"))

            // Published with version 2; a third version changes nothing published.
            #expect(try await admin.post("/bulletin/2021-07/publish", [:]).status == .seeOther)
            let publication = try await web.store.publication(district: "yubei", period: Period(year: 2021, month: 7))
            #expect(publication?.template == TemplateStamp(name: "区县通报", version: 2))
            let changed = Self.wording.replacingOccurrences(of: "政务服务月报", with: "政务服务运行简报")
            let third = try await admin.post(
                "/templates", ["name": "区县通报", "body": changed, "action": "save", "period": "2021-07"])
            #expect(third.status == .seeOther)
            #expect(try await admin.get("/bulletin/2021-07/document/md").text == md.text)
            let page = try await admin.get("/templates")
            #expect(page.text.contains("正在使用：“区县通报”第2版"), "a new version is not in use until chosen")
            // An earlier version can be chosen again.
            #expect(try await admin.post("/templates/use", ["name": "区县通报", "version": "1"]).status == .seeOther)
            #expect(try await admin.get("/templates").text.contains("正在使用：“区县通报”第1版"))
            #expect(try await admin.post("/templates/use", ["name": "区县通报", "version": "9"]).status == .notFound)
        }
    }

    @Test func onlyAdminsSeeTemplates() async throws {
        try await Web.run(.sqlite) { web in
            for user in ["viewer", "rep1"] {
                let b = try await web.signedIn(user)
                #expect(try await b.get("/templates").status == .forbidden)
                #expect(try await b.post("/templates/use", ["name": "市级月报示例"]).status == .forbidden)
            }
            let admin = try await web.signedIn("admin")
            #expect(try await admin.post("/templates/use", ["name": "没有这个"]).status == .notFound)
            #expect(
                try await admin.post("/templates", ["name": "标准通报", "body": "【章】一\n正文", "action": "save"]).status
                    == .unprocessableContent)
        }
    }

    /// A city saves one template and sets it for its districts; a district's own choice still wins.
    @Test func aCitysTemplateIsItsDistrictsUnlessTheyChooseTheirOwn() async throws {
        try await Web.run(.sqlite) { web in
            let store = web.store
            try await store.ensureDistrict("cq", name: "重庆市")
            try await store.setCity("cq", districts: ["yubei"])
            let change = Change(actor: "city-admin", source: "test")
            _ = try await store.saveTemplate(owner: "cq", name: "全市统一", body: Self.wording, change: change)
            try await store.setSetting(district: "cq", .template, "全市统一", change: change)
            let publishing = Publishing(store: store)
            #expect(try await publishing.template(district: "yubei").stamp == TemplateStamp(name: "全市统一", version: 1))
            let admin = try await web.signedIn("admin")
            #expect(try await admin.get("/templates").text.contains("（由 cq 统一设置）"))
            #expect(try await admin.get("/bulletin/2021-07/document/md").text.contains("# 渝北区政务服务月报"))
            try await store.setSetting(district: "yubei", .template, "市级月报示例", change: change)
            #expect(try await publishing.template(district: "yubei").name == "市级月报示例")
            #expect(try await publishing.useTemplate("标准通报", district: "yubei", change: change))
            #expect(try await publishing.template(district: "yubei").name == "标准通报", "over the city's choice")
            let log = try await store.auditEntries(district: "yubei", table: "district_settings").map { $0.new ?? "" }
            #expect(log.last == "标准通报")
        }
    }
}
