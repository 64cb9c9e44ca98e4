import Foundation
import Testing
import TongbaoCore
import TongbaoReport
import TongbaoTestSupport

/// Issue 16: bulletin templates. The standard template is checked by the golden tests (it prints the seed byte
/// for byte); here the municipal example against figures computed by hand, and the template mistakes.
@Suite struct TemplateTests {
    /// Six units of a city: four windows (市医保局 from case records), two counties. February and March 2022.
    static let files: [PackageFile] = [
        (
            "units.csv",
            """
            code,name,tier,order
            c1,市公安局,中心,1
            c2,市税务局,中心,2
            c3,市人社局,中心,3
            c4,市医保局,中心,4
            t1,东兴市,镇街,5
            t2,防城区,镇街,6
            """
        ),
        (
            "cases.csv",
            """
            period,unit,recv_immediate,recv_promised,done_immediate,done_promised
            2022-02,c1,60,40,60,30
            2022-02,c2,30,20,30,20
            2022-02,c3,5,0,5,0
            2022-02,t1,200,0,190,0
            2022-02,t2,80,0,80,0
            2022-03,c1,70,50,70,40
            2022-03,c2,20,10,20,10
            2022-03,c3,0,0,0,0
            2022-03,t1,150,0,150,0
            2022-03,t2,80,0,80,0
            """
        ),
        (
            "case_records.csv",
            """
            case_id,unit,category,kind,received_at,completed_at,promised_days,rating
            F1,c4,审批,承诺,2022-02-07 09:00,2022-02-08 10:00,5,满意
            F2,c4,审批,承诺,2022-02-07 09:00,2022-02-08 10:00,5,满意
            F3,c4,审批,承诺,2022-02-07 09:00,2022-02-08 10:00,5,满意
            F4,c4,审批,承诺,2022-02-08 09:00,2022-02-21 10:00,1,不满意
            M1,c4,审批,承诺,2022-03-01 09:00,2022-03-02 10:00,5,满意
            M2,c4,审批,承诺,2022-03-01 09:00,2022-03-02 10:00,5,满意
            M3,c4,审批,承诺,2022-03-01 09:00,2022-03-02 10:00,5,满意
            M4,c4,审批,承诺,2022-03-01 09:00,2022-03-02 10:00,5,非常不满意
            """
        ),
        ("meta.csv", "period,title\n2022-02,防城港市行政审批服务运行通报\n"),
    ].map { PackageFile(name: $0.0, data: Data($0.1.utf8)) }

    static func bulletins() async throws -> (march: Bulletin, february: Bulletin) {
        try await Fixtures.withImported(files, district: "fcg") { store, report in
            #expect(report.periods.count == 2, "\(report.warnings)")
            func build(_ month: Int) async throws -> Bulletin {
                let p = Period(year: 2022, month: month)
                return BulletinBuilder(data: try await store.load(district: "fcg", period: p), period: p).build()
            }
            return (try await build(3), try await build(2))
        }
    }

    static func markdown(_ b: Bulletin, _ t: BulletinTemplate = .municipal) throws -> String {
        MarkdownWriter.render(try t.view(b))
    }

    @Test func theMunicipalExampleSaysWhatTheFiguresSay() async throws {
        let (march, february) = try await Self.bulletins()
        let md = try Self.markdown(march)
        // 受理 384 = 120+30+0+4+150+80 against 439 in February: 55 fewer, 12.53 %. 办结 374 against 419: 10.74 %.
        // 平均办结时间: March 4 cases of 1 working day; February 1+1+1+9 (Feb 9–11, 14–18, 21) over 4 = 3.
        // 满意率 3 of 4 in both months: 与上月持平. March's four records all within their 5 working days.
        #expect(
            md.contains(
                "3月份，防城港市政务服务中心共受理行政审批项目384件，比上月减少12.53%；办结374件，比上月减少10.74%。承诺件平均办结时间1天，比上月减少2天。满意率75%，与上月持平。没有出现超时办结件。"
            ), "\(md)")
        #expect(md.contains("# 防城港市政务服务中心2022年3月运行情况"))
        #expect(md.contains("## 一、总体情况"))
        #expect(md.contains("受理量居前十位的单位依次是：东兴市、市公安局、防城区、市税务局、市医保局、市人社局。"))
        #expect(md.contains("| 名称 | 受理量 | 上月受理量 | 办结量 |"))
        #expect(md.contains("| 东兴市 | 150 | 200 | 150 |"))
        // A non-empty list: 市人社局 reported zeros.
        #expect(md.contains("本月没有业务的单位（1个）：市人社局。"))
        #expect(!md.contains("本月各单位均有办件"))
        // A negative change and 与上月持平, per county.
        #expect(md.contains("东兴市共受理150件，办结150件，办结量比上月减少40件，下降21.05%。"))
        #expect(md.contains("防城区共受理80件，办结80件，办结量与上月持平。"))
        #expect(!md.contains("未报送数据"))

        // February: no month before it (no comparisons), one case overdue, every unit with cases (an empty list).
        let feb = try Self.markdown(february)
        #expect(feb.contains("2月份，防城港市政务服务中心共受理行政审批项目439件；办结419件。承诺件平均办结时间3天。超时办结1件。"), "\(feb)")
        #expect(feb.contains("本月各单位均有办件。"))
        #expect(!feb.contains("没有业务的单位"))
    }

    @Test func everyFormatFollowsTheTemplate() async throws {
        let (march, _) = try await Self.bulletins()
        let view = try BulletinTemplate.municipal.view(march)
        let html = try HTMLWriter.render(view)
        #expect(html.contains("没有出现超时办结件"))
        let json = try JSONWriter.render(view.source)
        #expect(json.contains("\"name\" : \"市级月报示例\""))
        let figures = BulletinTemplate.municipal.figures(march).map { "\($0.name)=\($0.value)" }
        #expect(figures.contains("受理量=384") && figures.contains("上月.受理量=439"), "\(figures)")
        #expect(figures.contains("满意率=75"))
    }

    /// Each kind of mistake is refused before anything renders, with line, column and a suggestion.
    @Test(arguments: [
        ("【章】一\n{全区办件数}件", "第2行第2列：未知的名称“全区办件数”；是不是“全区办件量”？"),
        ("【章】一\n{比上年(全区办件量)}", "第2行第2列：未知的函数“比上年”；是不是“比上月”？"),
        ("【章】一\n{比上月(区县名称)}", "函数“比上月”的第1个参数须是有上月和去年同期数的数字"),
        ("【章】一\n{名单(全区办件量)}", "函数“名单”的第1个参数须是名单"),
        ("【章】一\n{占比(全区办件量)}", "函数“占比”需要 2 个参数，实际为 1 个"),
        ("【章】一\n共{全区办件量件", "第2行第2列：“{”没有配对的“}”"),
        ("【章】一\n[比上月{全区办件量}", "第2行第1列：“[”没有配对的“]”"),
        ("【章】一\n{如果 有 未报送单位}有未报送", "{如果}没有配对的{结束}"),
        ("【章】一\n{否则}", "{否则}前面没有{如果}"),
        ("【章】一\n【如果 有 未报送单位】\n有", "第2行第1列：【如果】没有配对的【结束】"),
        ("【章】一\n【结束】", "第2行第1列：多余的【结束】"),
        ("【节】一", "第1行第1列：未知的指令【节】；可用的指令：【标题】、【导语】、【章】"),
        ("【章】一\n【表】中心办件统计表", "没有名为“中心办件统计表”的表；是不是“中心办件表”？"),
        ("【章】一\n【图】趋势图", "没有名为“趋势图”的图"),
        ("【章】一\n【表】单位办件表 列=名称、受理数", "单位没有“受理数”这一列；是不是“受理量”？"),
        ("【章】一\n【表】中心办件表 前=10", "只有单位办件表可以设“前”"),
        ("【章】一\n{逐个 全区办件量}{名称}{结束}", "“全区办件量”不是名单，不能逐个列出"),
        ("【章】一\n{受理量.上月.x}", "未知的名称“受理量.x”"),
        ("【章】一\n{上月.区县名称}", "“区县名称”没有上月的数"),
        ("【章】一\n{序号}", "“序号”只能用在{逐个}或【逐个】之中"),
        ("【章】一\n{名称}", "“名称”是名单中每一项的数，只能用在{逐个}之中"),
        ("【章】一\n【如果 全区办件量 ~ 0】", "第2行第11列：这里应是比较符"),
        ("【章】一\n【如果 未报送单位 > 0】\n【结束】", "只能比较两个数字或两段文字"),
        ("【章】一\n{连接(“；”, 未报送单位)}", "连接的是文字或数字，名单请用 名单(…)"),
        ("正文", "模板中没有任何【章】"),
        ("【章】一\n{名单(未报送单位, “、)}", "引号没有配对"),
    ])
    func mistakesAreRefusedWithWhereAndWhy(_ text: String, _ expected: String) throws {
        do {
            _ = try BulletinTemplate(name: "t", version: 1, text: text)
            Issue.record("accepted: \(text)")
        } catch {
            let all = error.problems.map(\.description).joined(separator: "\n")
            #expect(all.contains(expected), "\(all)")
        }
    }

    /// A template too large, too deep, or looping over too much is refused, not run out of memory.
    @Test func templatesAreBounded() async throws {
        let big = "【章】一\n" + String(repeating: "字", count: 70_000)
        #expect(throws: TemplateErrors.self) { try BulletinTemplate(name: "t", version: 1, text: big) }
        let deep = "【章】一\n" + String(repeating: "[", count: 40) + "x" + String(repeating: "]", count: 40)
        #expect(throws: TemplateErrors.self) { try BulletinTemplate(name: "t", version: 1, text: deep) }
        // Six units nested seven deep: 279,936 turns, past the step limit.
        let loops = (0..<7).map { _ in "{逐个 全部单位}" }.joined() + "{受理量}{办结量}" + String(repeating: "{结束}", count: 7)
        let wide = try BulletinTemplate(name: "t", version: 1, text: "【章】一\n" + loops)
        let (march, _) = try await Self.bulletins()
        #expect(throws: TemplateErrors.self) { try wide.view(march) }
    }

    /// docs/templates.md names every figure, list, field, helper, table and chart a template may use.
    @Test func theGuideNamesEveryWord() throws {
        let guide = try String(contentsOfFile: "docs/templates.md", encoding: .utf8)
        let missing = BulletinTemplate.vocabulary.filter { !guide.contains("`\($0)`") && !guide.contains("`\($0)(") }
        #expect(missing.isEmpty, "not in docs/templates.md: \(missing)")
        for t in BulletinTemplate.shipped { #expect(guide.contains(t.name)) }
        // Its example is a template that reads.
        let example = try #require(guide.components(separatedBy: "```").dropFirst().first)
        #expect(throws: Never.self) { try BulletinTemplate(name: "例", version: 1, text: example) }
    }

    /// The probe's findings: each was a way to crash, hang or mislead.
    @Test func probeFindingsOnTemplates() async throws {
        let (march, _) = try await Self.bulletins()
        // Calls nested 300 deep: refused when read, not a stack overflow when rendered.
        let nested =
            "【章】甲\n{名单(" + String(repeating: "前(", count: 300) + "全部单位"
            + String(repeating: ", 3)", count: 300) + ")}"
        do {
            _ = try BulletinTemplate(name: "t", version: 1, text: nested)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.count == 1 && error.problems[0].message.hasPrefix("嵌套超过 12 层"), "\(error.problems)")
        }
        // Loops repeating a long text (216 turns of 10,000 characters): refused at 2,000,000, not hundreds of MB.
        let long =
            "【章】甲\n{逐个 全部单位}{逐个 全部单位}{逐个 全部单位}" + String(repeating: "长", count: 10_000)
            + "{结束}{结束}{结束}"
        let wide = try BulletinTemplate(name: "t", version: 1, text: long)
        #expect(throws: TemplateErrors.self) { try wide.view(march) }
        // Windows line endings, a byte-order mark, full-width braces and brackets read as meant.
        let crlf = "\u{FEFF}【章】甲\r\n［受理{受理量}件］｛办结量｝\r\n\u{FEFF}【章】乙\r\n{全区办件数}\r\n"
        do {
            _ = try BulletinTemplate(name: "t", version: 1, text: crlf)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.description) == ["第4行第2列：未知的名称“全区办件数”；是不是“全区办件量”？"])
        }
        let fine = try BulletinTemplate(name: "t", version: 1, text: crlf.replacingOccurrences(of: "全区办件数", with: "月"))
        #expect(MarkdownWriter.render(try fine.view(march)).contains("受理384件374"))
        // 【…】 with a figure inside a paragraph is what a Chinese keyboard makes of [ ]: told, not printed.
        do {
            _ = try BulletinTemplate(name: "t", version: 1, text: "【章】甲\n办结{办结量}件【，{比上月(办结量)}】。")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.first?.description.contains("第2行第9列：段落中的【……】会原样印出") == true)
        }
        // 上月 in 排序 and 合计; 序号 without gaps; a line with nothing left prints no empty paragraph.
        let t = try BulletinTemplate(
            name: "t", version: 1,
            text: """
                【章】甲
                {名单(排序(全部单位, 上月.受理量))}；{合计(全部单位, 上月.受理量)}
                【逐个 全部单位】
                {序号}.{名称}{满意率}
                【结束】
                [满意率{明细按时办结率.去年同期}]
                【章】乙
                [{不予受理件.去年同期}]
                """)
        let md = MarkdownWriter.render(try t.view(march))
        #expect(md.contains("东兴市、市公安局、防城区、市税务局、市人社局、市医保局；439"), "\(md)")
        #expect(md.contains("1.市医保局75"), "only 市医保局 has case records: numbered 1")
        #expect(!md.contains("## 二、乙") && !md.contains("\n\n\n"), "\(md)")
        // Many mistakes: all counted, fifty listed, quickly.
        let many = "【章】甲\n" + String(repeating: "{x}", count: 5000)
        let start = ContinuousClock.now
        do {
            _ = try BulletinTemplate(name: "t", version: 1, text: many)
        } catch {
            #expect(error.total == 5000 && error.problems.count == 50)
            #expect(error.summary == "有5000处错误，以下是前50处")
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func theStandardTemplateIsTheDefaultView() async throws {
        let (march, _) = try await Self.bulletins()
        let byDefault = MarkdownWriter.render(BulletinView(march))
        #expect(byDefault == MarkdownWriter.render(try BulletinTemplate.standard.view(march)))
        // Without 分中心 there is no district total: section 一 is left out and the next one is numbered 一.
        #expect(byDefault.contains("## 一、区行政服务中心、分中心、镇街公共服务中心办件情况"))
    }
}
