import Foundation
import Testing
import TongbaoCore
import TongbaoReport
import TongbaoStore
import TongbaoTestSupport

/// Nothing is specific to 渝北区: a small district with other window types, rubric and excellent count.
@Suite struct OtherDistrictTests {
    static let files: [PackageFile] = [
        (
            "units.csv",
            """
            code,name,tier,window,groups,aliases,ranked,order
            w1,县公安局,中心,综合窗口,,县公安,是,1
            w2,县税务局,中心,综合窗口,涉税板块,,是,2
            w3,县人社局,中心,专项窗口,,,是,3
            w4,县医保局,中心,专项窗口,,,否,4
            s1,不动产中心,分中心,,,,是,5
            t1,城关镇,镇街,,,,是,6
            t2,河口乡,镇街,,,,是,7
            """
        ),
        (
            "cases.csv",
            """
            period,unit,recv_immediate,recv_promised,done_immediate,done_promised,ytd_recv,ytd_done,proxy
            2022-01,w1,100,10,100,8,,,
            2022-01,w2,50,0,50,0,,,
            2022-01,w3,20,5,20,5,,,
            2022-01,w4,5,5,5,5,,,
            2022-01,s1,0,40,0,30,,,
            2022-01,t1,60,0,60,0,,,4
            2022-01,t2,30,1,30,1,,,2
            2022-02,w1,120,10,120,12,,,
            2022-02,w2,40,0,40,0,,,
            2022-02,w3,20,5,20,4,,,
            2022-02,w4,5,5,5,5,,,
            2022-02,s1,0,50,0,45,,,
            2022-02,t1,66,0,66,0,,,3
            2022-02,t2,30,0,30,1,,,1
            """
        ),
        (
            "tongban.csv",
            """
            period,unit,scope,count,ytd
            2022-02,t1,同城通办,5,
            2022-02,t2,同城通办,2,
            2022-02,t1,跨省通办,1,
            2022-02,县公安,跨省通办,3,7
            """
        ),
        (
            "rubric.csv",
            """
            code,section,name,max,order
            a,窗口管理,纪律,20,1
            b,窗口管理,服务,30,2
            c,,创新,50,3
            """
        ),
        (
            "evaluation.csv",
            """
            period,unit,criterion,score
            2022-02,w1,a,18
            2022-02,w1,b,25
            2022-02,w1,c,40.5
            2022-02,w2,纪律,20
            2022-02,w2,服务,30
            2022-02,w2,创新,33.5
            2022-02,w3,a,10
            2022-02,w3,b,10
            2022-02,w3,c,10
            """
        ),
        ("meta.csv", "period,title,issue,issuer,date,excellent\n2022-02,某县政务服务运行通报,2,某县政务中心,2022-03-05,2\n"),
    ].map { PackageFile(name: $0.0, data: Data($0.1.utf8)) }

    static func markdown(_ backend: TestBackend) async throws -> (String, Bulletin) {
        try await Fixtures.withImported(files, district: "mx", backend: backend) { store, report in
            // 河口乡 completes 31 in February with 30 received and no backlog left from January.
            #expect(report.warnings.map(\.code) == [.doneExceedsReceived], "\(report.warnings)")
            let p = Period(year: 2022, month: 2)
            let b = BulletinBuilder(data: try await store.load(district: "mx", period: p), period: p).build()
            return (MarkdownWriter.render(BulletinView(b)), b)
        }
    }

    @Test(arguments: TestBackend.available) func sentencesAreDerivedFromThisDistrictsData(_ backend: TestBackend)
        async throws
    {
        let (md, b) = try await Self.markdown(backend)
        // Jan: 108+50+25+10 = 193, 30, 91 -> 314; Feb: 132+40+24+10 = 206, 45, 97 -> 348.
        #expect(md.contains("2月，全区共办理各类审批服务事项348件（其中，区行政服务中心206件、分中心45件、镇街公共服务中心97件），比1月增加34件，增长10.83%。"))
        #expect(
            md.contains(
                "2月，区行政服务中心办理各类审批服务事项206件，比1月增加13件，增长6.74%；其中，即办件185件，承诺件21件；涉税板块40件；各分中心办理审批服务事项45件，比1月增加15件，增长50%；各镇街公共服务中心办理审批服务事项97件，比1月增加6件，增长6.59%。"
            ))
        // Ranked units only (县医保局 is not ranked): 132, 40, 24.
        #expect(md.contains("位居前3位的部门共办件196件,占本月中心办件总量的95.15%;位居前3位的县公安局、县税务局、县人社局共办件196件"))
        #expect(b.title == "某县政务服务运行通报" && b.issue == 2)
    }

    @Test(arguments: TestBackend.available) func tablesUseThisDistrictsWindowsScopesAndRubric(_ backend: TestBackend)
        async throws
    {
        let (md, b) = try await Self.markdown(backend)
        #expect(md.contains("| 综合窗口 | 县公安局 | 120 | 10 | 130 | 120 | 12 | 132 | 240 | 240 |"))
        #expect(md.contains("| 专项窗口 | 县人社局 |"))
        #expect(b.townTable.scopes == ["同城通办", "跨省通办"])
        #expect(md.contains("| 城关镇 | 66 | 0 | 66 | 66 | 0 | 66 | 126 | 126 | 3 | 5 | 1 |"))
        #expect(md.contains("| 本月累计 | 96 | 0 | 96 | 96 | 1 | 97 | 187 | 188 | 4 | 7 | 1 |"))
        #expect(md.contains("| 今年累计 | 186 | 1 | 187 | 186 | 2 | 188 | — | — | 10 |  |  |"))
        #expect(md.contains("| 县公安局 | 3 | 7 |"))
        #expect(md.contains("| 窗口 | 窗口管理 |  | 创新 (50分) | 总分 |"))
        #expect(md.contains("| 县税务局 | 20 | 30 | 33.5 | 83.5 |"))
        #expect(md.contains("2月优质服务窗口：县公安局窗口、县税务局窗口。"))
        #expect(!md.contains("县人社局窗口"))
        #expect(md.contains("注：") == false || !md.contains("县医保局未列入"))
    }
}

extension OtherDistrictTests {
    @Test(arguments: TestBackend.available) func twoDistrictsShareOneStoreWithoutMixing(_ backend: TestBackend)
        async throws
    {
        try await Fixtures.withStore(backend) { store in
            let change = Change(actor: "t", source: "t")
            _ = try await Importer(store: store, district: "yubei", change: change).run(
                files: try Fixtures.sampleFiles())
            _ = try await Importer(store: store, district: "mx", change: change).run(files: Self.files)
            let july = Period(year: 2021, month: 7)
            let a = BulletinBuilder(data: try await store.load(district: "yubei", period: july), period: july).build()
            #expect(a.overview.total == 309055)
            #expect(a.centerTable.rows.count == 25)
            let feb = Period(year: 2022, month: 2)
            let b = BulletinBuilder(data: try await store.load(district: "mx", period: feb), period: feb).build()
            #expect(b.overview.total == 348)
            #expect(b.centerTable.rows.map(\.name) == ["县公安局", "县税务局", "县人社局", "县医保局"])
            #expect(try await store.units(district: "mx").count == 7)
            // The same unit name in another district resolves within that district only.
            let pkg = [PackageFile(name: "cases.csv", data: Data("period,unit,recv_immediate\n2022-03,区税务局,1\n".utf8))]
            await #expect(throws: ImportFailed.self) {
                _ = try await Importer(store: store, district: "mx", change: change).run(files: pkg)
            }
        }
    }
}
