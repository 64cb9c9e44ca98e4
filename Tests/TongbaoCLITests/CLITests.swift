import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

@Suite(.serialized) struct CLITests {
    @Test func demoWritesEveryFormat() throws {
        let dir = try Fixtures.tempDir()
        let r = try CLI.run(["demo", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        for ext in ["md", "html", "json"] {
            let text = try String(contentsOf: dir.appendingPathComponent("bulletin-2021-07.\(ext)"), encoding: .utf8)
            #expect(text.contains("309055"))
        }
        for ext in ["docx", "xlsx"] {
            let data = try Data(contentsOf: dir.appendingPathComponent("bulletin-2021-07.\(ext)"))
            #expect(data.starts(with: Data("PK".utf8)), "\(ext) is a zip package")
        }
        #expect(r.stdout.contains("bulletin-2021-07.html"))
    }

    @Test func validateReportsTheTotalThatDoesNotAddUpAndWritesNothing() async throws {
        let db = try Fixtures.tempDir().appendingPathComponent("v.sqlite").path
        // A path that does not exist is a typo, not an empty database.
        let missing = try CLI.run(["validate", Fixtures.sample.path, "--db", db, "--district", "yubei"])
        #expect(missing.status != 0 && missing.stderr.contains("不存在"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
        try await SQLStore.with(db) { _ in }
        let r = try CLI.run(["validate", Fixtures.sample.path, "--db", db, "--district", "yubei"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("W101"))
        #expect(r.stdout.contains("41101") && r.stdout.contains("40231"))
        #expect(r.stdout.contains("349777") && r.stdout.contains("343131"))
        let count = try await SQLStore.with(db) { try await $0.fingerprint() }
        #expect(count.contains("cases=0") && count.contains("audit=0"))
    }

    @Test func importThenBulletinRoundTrip() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("r.sqlite").path
        let i = try CLI.run([
            "import", Fixtures.sample.path, "--db", db, "--district", "yubei", "--district-name", "渝北区",
        ])
        #expect(i.status == 0, "\(i.stderr)")
        #expect(i.stdout.contains("导入完成"))
        let b = try CLI.run(["bulletin", "--db", db, "--district", "yubei", "--period", "2021-07", "--format", "md"])
        #expect(b.status == 0)
        #expect(b.stdout.contains("比6月增加16305件，增长5.57%"))
        let bad = try CLI.run(["bulletin", "--db", db, "--period", "2021-7x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("月份格式应为 YYYY-MM"))
    }

    @Test func badPackageNamesFileLineAndColumnInChinese() throws {
        let dir = try Fixtures.tempDir()
        try Data("code,name,tier\nA,区甲局,center\n".utf8).write(to: dir.appendingPathComponent("units.csv"))
        try Data("period,unit,recv_immediate,done_promised\n2021-07,A,11,-3\n".utf8).write(
            to: dir.appendingPathComponent("cases.csv"))
        let db = dir.appendingPathComponent("b.sqlite").path
        let r = try CLI.run(["import", dir.path, "--db", db])
        #expect(r.status != 0)
        #expect(r.stderr.contains("cases.csv 第2行 第4列（done_promised）：数量不能为负数，实际为“-3”"), "\(r.stderr)")
        #expect(r.stderr.contains("未导入任何数据"))
    }
}

extension CLITests {
    @Test func zippedPackageImportsLikeTheFolder() async throws {
        let zip = try Fixtures.zip(Fixtures.sample)
        let db = try Fixtures.tempDir().appendingPathComponent("z.sqlite").path
        let r = try CLI.run(["import", zip.path, "--db", db, "--district", "yubei"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("办件月报 52 行"))
        #expect(r.stdout.contains("41101"))
    }

    /// A zip inside the zip is named as such, with the fix (unpack it), not "save as CSV".
    @Test func aZipInsideTheZipSaysToUnpackIt() async throws {
        let folder = try Fixtures.tempDir().appendingPathComponent("outer")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: try Fixtures.zip(Fixtures.sample), to: folder.appendingPathComponent("inner.zip"))
        let db = try Fixtures.tempDir().appendingPathComponent("n.sqlite").path
        let r = try CLI.run(["import", try Fixtures.zip(folder).path, "--db", db, "--district", "yubei"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("inner.zip") && r.stderr.contains("压缩包中的压缩包"), "\(r.stderr)")
        #expect(!r.stderr.contains("另存为 CSV"))
    }
}

extension CLITests {
    @Test func bulletinOfAMonthWithoutDataIsAnError() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("e.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let r = try CLI.run(["bulletin", "--db", db, "--district", "yubei", "--period", "2021-08"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("2021-08 没有任何数据"), "\(r.stderr)")
        let unknown = try CLI.run(["bulletin", "--db", db, "--district", "nowhere", "--period", "2021-07"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("没有区县“nowhere”"), "\(unknown.stderr)")
    }

    @Test func templateWritesAFormThatImportsBack() throws {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let out = dir.appendingPathComponent("form.xlsx").path

        let r = try CLI.run([
            "template", "--db", db, "--district", "yubei", "--unit", "C06", "--period", "2021-08", "--out", out,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("form.xlsx"))
        // Unfilled, it imports as an empty report: nothing is refused.
        let i = try CLI.run(["import", out, "--db", db, "--district", "yubei"])
        #expect(i.status == 0, "\(i.stderr)")
        #expect(i.stdout.contains("办件月报 1 行"))
        let unknown = try CLI.run([
            "template", "--db", db, "--district", "yubei", "--unit", "X99", "--period", "2021-08",
        ])
        #expect(unknown.status != 0 && unknown.stderr.contains("没有单位“X99”"), "\(unknown.stderr)")
    }

    @Test func bulletinWritesWordAndExcelFiles() throws {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("w.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        for format in ["docx", "xlsx"] {
            let out = dir.appendingPathComponent("b.\(format)")
            let r = try CLI.run([
                "bulletin", "--db", db, "--district", "yubei", "--period", "2021-07", "--format", format, "--out",
                out.path,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Data(contentsOf: out).starts(with: Data("PK".utf8)))
        }
    }

    @Test func genCasesWritesTheSameExportForTheSameSeed() throws {
        let dir = try Fixtures.tempDir()
        let (a, b) = (dir.appendingPathComponent("a.csv"), dir.appendingPathComponent("b.csv"))
        for out in [a, b] {
            let r = try CLI.run([
                "gen-cases", "--rows", "5000", "--seed", "9", "--from", "2021-08-01", "--out", out.path,
            ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let text = try String(contentsOf: a, encoding: .utf8)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        #expect(text.split(separator: "\n").count == 5001)
        #expect(text.hasPrefix("case_id,unit,item,category,kind,received_at,completed_at"))
        // Units are the bundled sample's, so the export imports beside it (August: no monthly sheet to clash with).
        let db = dir.appendingPathComponent("g.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let pkg = dir.appendingPathComponent("pkg")
        try FileManager.default.createDirectory(at: pkg, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: a, to: pkg.appendingPathComponent("case_records.csv"))
        let i = try CLI.run(["import", pkg.path, "--db", db, "--district", "yubei"])
        #expect(i.status == 0, "\(i.stderr)")
        #expect(i.stdout.contains("办件明细 5000 行"))
    }

    /// A database with the sample imported (district yubei), and a generated export of August 2021 beside it.
    static func sampleAndAugustExport(rows: Int) throws -> (dir: URL, db: String, export: String) {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("i.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let export = dir.appendingPathComponent("aug.csv").path
        #expect(try CLI.run(["gen-cases", "--rows", "\(rows)", "--from", "2021-08-01", "--out", export]).status == 0)
        return (dir, db, export)
    }

    @Test func ingestThenListOverdueAndUnfavourableCases() throws {
        let (dir, db, export) = try Self.sampleAndAugustExport(rows: 20000)

        let i = try CLI.run(["ingest", export, "--db", db, "--district", "yubei", "--user", "张三"])
        #expect(i.status == 0, "\(i.stderr)")
        #expect(i.stdout.contains("读取 20000 行") && i.stdout.contains("新增办件 20000 件"))
        // The operator is named as import names it (--user, else $USER), not the system's account name.
        let audit = try CLI.run(["audit", "--db", db, "--district", "yubei", "--user", "张三", "--limit", "3"])
        #expect(audit.stdout.contains("张三") && audit.stdout.contains("办件明细汇总"), "\(audit.stdout)")
        let again = try CLI.run(["ingest", export, "--db", db, "--district", "yubei"])
        #expect(again.stdout.contains("新增办件 0 件，状态更新 0 件，重复未变 20000 件"), "\(again.stdout)")

        let overdue = try CLI.run(["cases", "overdue", "--db", db, "--district", "yubei", "--period", "2021-08"])
        #expect(overdue.status == 0, "\(overdue.stderr)")
        #expect(overdue.stdout.hasPrefix("单位,办件编号,事项名称,办件类型,受理时间,承诺时限,应办结日期"))
        #expect(overdue.stdout.split(separator: "\n").count > 1)
        let out = dir.appendingPathComponent("bad.csv").path
        let unfavourable = try CLI.run([
            "cases", "unfavourable", "--db", db, "--district", "yubei", "--period", "2021-08", "--out", out,
        ])
        #expect(unfavourable.status == 0 && unfavourable.stdout.contains("已写入"), "\(unfavourable.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("不满意"))
        // The month's bulletin now counts the ingested cases.
        let b = try CLI.run(["bulletin", "--db", db, "--district", "yubei", "--period", "2021-08"])
        #expect(b.status == 0 && b.stdout.contains("按时办结率"), "\(b.stderr)")
    }

    /// A few rows in error refuse the export, saying it is an export (not a package) and how to set them aside.
    @Test func anExportWithAFewBadRowsNamesThemAndTheWayToSetThemAside() throws {
        let (dir, db, export) = try Self.sampleAndAugustExport(rows: 50)
        var lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
        // Two rows whose 受理时间 is no time.
        for i in [3, 7] {
            var fields = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let header = lines[0].split(separator: ",").map(String.init)
            fields[try #require(header.firstIndex(of: "received_at"))] = "昨天"
            lines[i] = fields.joined(separator: ",")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: export, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["ingest", export, "--db", db, "--district", "yubei"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("导出文件有 2 处错误，未导入任何数据"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--skip-bad"), "\(refused.stderr)")
        let rejected = dir.appendingPathComponent("rejected.csv").path
        let skipped = try CLI.run(["ingest", export, "--db", db, "--district", "yubei", "--skip-bad", rejected])
        #expect(skipped.status == 0 && skipped.stdout.contains("跳过有错误的行 2 行"), "\(skipped.stderr)")
    }

    @Test func theOnlyDistrictIsUsedWithoutDistrictAndSeveralAreListed() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("d.sqlite").path
        let missing = try CLI.run(["bulletin", "--db", db, "--period", "2021-07"])
        #expect(missing.status != 0 && missing.stderr.contains("不存在"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db), "no empty database is created")

        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let one = try CLI.run(["bulletin", "--db", db, "--period", "2021-07"])
        #expect(one.status == 0 && one.stdout.contains("309055"), "\(one.stderr)")

        let units = try Fixtures.tempDir().appendingPathComponent("units.csv")
        try Data("code,name,tier\nA,区甲局,center\n".utf8).write(to: units)
        #expect(
            try CLI.run(["import", units.path, "--db", db, "--district", "other", "--district-name", "某区"]).status == 0)
        let two = try CLI.run(["bulletin", "--db", db, "--period", "2021-07"])
        #expect(
            two.status != 0 && two.stderr.contains("--district") && two.stderr.contains("other（某区）"), "\(two.stderr)")
    }

    @Test func importTakesSeveralPaths() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("m.sqlite").path
        let dir = try Fixtures.tempDir()
        let files = try Fixtures.sampleFiles()
        try Fixtures.writePackage(files.filter { $0.name != "cases.csv" }, to: dir)
        let cases = try Fixtures.tempDir().appendingPathComponent("2021年7月办件统计.csv")
        try files.first { $0.name == "cases.csv" }!.data.write(to: cases)
        let r = try CLI.run(["import", dir.path, cases.path, "--db", db, "--district", "yubei"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("办件月报 52 行") && r.stdout.contains("按列名识别为“办件月报”"), "\(r.stdout)")
    }

    @Test func helpIsInChineseAndVersionIsPrinted() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("tongbao "))
        for args in [["--help"], ["import", "--help"], ["help", "bulletin"]] {
            let help = try CLI.run(args)
            #expect(help.status == 0, "\(args)")
            for english in ["USAGE", "OPTIONS", "OVERVIEW", "Show help information"] {
                #expect(!help.stdout.contains(english), "\(args): \(english) in \(help.stdout)")
            }
            #expect(help.stdout.contains("用法："))
        }
        let bad = try CLI.run(["import"])
        #expect(bad.status != 0 && bad.stderr.contains("错误：") && !bad.stderr.contains("Error:"), "\(bad.stderr)")
    }

    @Test func publishReopenAndAuditFromTheCommandLine() throws {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("p.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db]).status == 0)
        let august = dir.appendingPathComponent("8月.csv")
        try Data("月份,单位,即办接件\n2021-08,区税务局,12001\n2021-08,社会保险中心,90000\n2021-08,龙溪街道,3000\n".utf8)
            .write(to: august)
        #expect(try CLI.run(["import", august.path, "--db", db]).status == 0)

        let refused = try CLI.run(["publish", "--db", db, "--period", "2021-08"])
        #expect(refused.status != 0 && refused.stderr.contains("尚有49个单位未报送"), "\(refused.stderr)")
        let bulletin = try CLI.run(["bulletin", "--db", db, "--period", "2021-08"])
        #expect(bulletin.stderr.contains("警告：截至生成时，尚有49个单位未报送"), "\(bulletin.stderr)")
        #expect(bulletin.stdout.contains("第8期"))
        let published = try CLI.run([
            "publish", "--db", db, "--period", "2021-08", "--allow-missing", "先发布，缺报单位下月补", "--user", "李四",
        ])
        #expect(published.status == 0 && published.stdout.contains("第8期"), "\(published.stderr)")
        let reopened = try CLI.run(["reopen", "--db", db, "--period", "2021-08", "--reason", "补报", "--user", "李四"])
        #expect(reopened.status == 0, "\(reopened.stderr)")

        let fix = dir.appendingPathComponent("更正.csv")
        try Data("月份,单位,即办接件\n2021-07,区税务局,12600\n".utf8).write(to: fix)
        let imported = try CLI.run(["import", fix.path, "--db", db, "--user", "张三"])
        #expect(imported.stdout.contains("修改的数值：") && imported.stdout.contains("12549 → 12600"), "\(imported.stdout)")
        let audit = try CLI.run(["audit", "--db", db, "--period", "2021-07", "--unit", "C06"])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("张三  2021-07 区税务局 办件月报·即办接件：12549 → 12600"), "\(audit.stdout)")
        let all = try CLI.run(["audit", "--db", db, "--user", "李四"])
        #expect(all.stdout.contains("先发布，缺报单位下月补") && all.stdout.contains("补报"), "\(all.stdout)")
    }

    @Test func aDisabledAccountAndAnUnknownOne() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("u.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let add = try CLI.run(["user", "add", "zhang", "--role", "viewer", "--password", "long-enough-1", "--db", db])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try CLI.run(["user", "disable", "zhang", "--db", db]).stdout.contains("已停用账号 zhang"))
        #expect(try CLI.run(["user", "enable", "zhang", "--db", db]).status == 0)
        let unknown = try CLI.run(["user", "disable", "nobody", "--db", db])
        #expect(unknown.status != 0 && unknown.stderr.contains("没有账号 nobody"))
    }

    @Test func tokensAreListedRevokedAndExpireAndAccountsAreDeleted() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("t.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        let short = try CLI.run(["user", "add", "li", "--role", "viewer", "--password", "short-pw", "--db", db])
        #expect(short.status != 0 && short.stderr.contains("至少 10 个字符"))
        let same = try CLI.run([
            "user", "add", "li-longname", "--role", "viewer", "--password", "li-longname", "--db", db,
        ])
        #expect(same.status != 0 && same.stderr.contains("不能与用户名相同"))
        #expect(
            try CLI.run(["user", "add", "li", "--role", "viewer", "--password", "long-enough-1", "--db", db]).status
                == 0)
        let token = try CLI.run(["user", "token", "li", "--days", "7", "--db", db]).stdout
        #expect(token.trimmingCharacters(in: .whitespacesAndNewlines).count == 43)
        let list = try CLI.run(["user", "token", "li", "--list", "--db", db])
        #expect(list.status == 0)
        let id = try #require(list.stdout.split(separator: " ").first.map(String.init))
        #expect(id.count == 8 && list.stdout.contains("失效"))
        let revoke = try CLI.run(["user", "token", "li", "--revoke", id, "--db", db])
        #expect(revoke.status == 0 && revoke.stdout.contains("已吊销"), "\(revoke.stderr)")
        #expect(try CLI.run(["user", "token", "li", "--list", "--db", db]).stdout.contains("没有 API 令牌"))
        let again = try CLI.run(["user", "token", "li", "--revoke", id, "--db", db])
        #expect(again.status != 0 && again.stderr.contains("没有编号为"))
        #expect(try CLI.run(["user", "token", "li", "--days", "0", "--db", db]).status != 0)
        #expect(try CLI.run(["user", "delete", "li", "--db", db]).stdout.contains("已删除账号 li"))
        #expect(try CLI.run(["user", "token", "li", "--list", "--db", db]).stderr.contains("没有账号 li"))
    }

    @Test func aCityListsItsDistricts() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("c.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        #expect(try CLI.run(["city", "cq", "--db", db]).stdout.contains("尚未设置"))
        let set = try CLI.run(["city", "cq", "yubei", "--name", "重庆市", "--db", db])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try CLI.run(["city", "cq", "--db", db]).stdout.contains("yubei"))
        let unknown = try CLI.run(["city", "cq", "nowhere", "--db", db])
        #expect(unknown.status != 0 && unknown.stderr.contains("没有区县 nowhere"))
    }

    /// A city account belongs to a city's code and every other account to a district's: left to default, a city
    /// account went into the only district, and an admin could be made in a city's code.
    @Test func cityAccountsBelongToACitysCodeAndOthersToADistricts() throws {
        let db = try Fixtures.tempDir().appendingPathComponent("c.sqlite").path
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"]).status == 0)
        #expect(try CLI.run(["city", "cq", "yubei", "--db", db]).status == 0)
        func add(_ role: String, _ more: [String]) throws -> CLI.Result {
            try CLI.run(["user", "add", "u-\(role)", "--role", role, "--password", "long-enough-1", "--db", db] + more)
        }
        let bare = try add("city", [])
        #expect(bare.status == 1 && bare.stderr.contains("须用 --district 给出市的编码"), "\(bare.stderr)")
        let inDistrict = try add("city", ["--district", "yubei"])
        #expect(inDistrict.status == 1 && inDistrict.stderr.contains("“yubei”是有 52 个单位的区县"), "\(inDistrict.stderr)")
        let adminInCity = try add("admin", ["--district", "cq"])
        #expect(adminInCity.status == 1 && adminInCity.stderr.contains("“cq”是市的编码（所辖 yubei）"))
        #expect(try CLI.run(["user", "token", "u-admin", "--list", "--db", db]).stderr.contains("没有账号 u-admin"))
        #expect(try add("city", ["--district", "cq"]).status == 0)
        #expect(try add("admin", []).status == 0)
        // A district with units is no city's code either.
        let districtAsCity = try CLI.run(["city", "yubei", "cq", "--db", db])
        #expect(districtAsCity.status != 0 && districtAsCity.stderr.contains("不能作为市的编码"))
        // A city's code holds no data: an import there would make it a district no account could manage.
        let intoCity = try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "cq"])
        #expect(intoCity.status == 1 && intoCity.stderr.contains("“cq”是市的编码（所辖 yubei），市不保存自己的数据"))
        #expect(try CLI.run(["city", "cq", "yubei", "--db", db]).status == 0, "still a city without units")
        // Codes with spaces are refused; a code new to the database is said to be new.
        for code in [" yubei", "yu bei", "cq\u{200B}", ""] {
            let refused = try add("viewer", ["--district", code])
            #expect(refused.status != 0 && refused.stderr.contains("不含空格、控制字符或不可见字符"), "\(code): \(refused.stderr)")
        }
        #expect(try add("viewer", ["--district", "cq\u{200B}"]).stderr.contains("其中有 U+200B"))
        let lookalike = try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "ＹＵＢＥＩ"])
        #expect(lookalike.status == 1 && lookalike.stderr.contains("与已有的“yubei”只差大小写或全角半角"), "\(lookalike.stderr)")
        #expect(try CLI.run(["city", "CQ", "yubei", "--db", db]).stderr.contains("与已有的“cq”只差大小写"))
        #expect(try CLI.run(["city", "cq", "YUBEI", "--db", db]).stderr.contains("没有区县 YUBEI（是否是“yubei”？）"))
        // A command that reads or sets a district's own data names a code typed wrong (a setting failed on a
        // foreign key, in English).
        let setting = try CLI.run(["settings", "satisfied", "满意", "--db", db, "--district", "YUBEI"])
        #expect(setting.status != 0 && setting.stderr.contains("数据库中没有区县“YUBEI”（是否是“yubei”？）"), "\(setting.stderr)")
        let typo = try CLI.run([
            "user", "add", "c2", "--role", "city", "--password", "long-enough-1", "--db", db, "--district", "cqq",
        ])
        #expect(typo.status == 0 && typo.stdout.contains("原来没有编码为“cqq”的市，已新建"), "\(typo.stdout)")
        // cqq is a city now (its account): no district of another city, and no admin's.
        let nested = try CLI.run(["city", "cq", "yubei", "cqq", "--db", db])
        #expect(nested.status != 0 && nested.stderr.contains("“cqq”是市的编码，不是区县"), "\(nested.stderr)")
        #expect(try add("reporter", ["--district", "cqq", "--unit", "C01"]).stderr.contains("“cqq”是市的编码"))
        // A code with a district's accounts is no city; a district moving to another city is said to move.
        #expect(try add("viewer", ["--district", "jb"]).status == 0)
        let overAccounts = try CLI.run(["city", "jb", "yubei", "--db", db])
        #expect(overAccounts.status != 0 && overAccounts.stderr.contains("已有区县的账号（u-viewer）"))
        let cityBesideViewer = try CLI.run([
            "user", "add", "c3", "--role", "city", "--password", "long-enough-1", "--db", db, "--district", "jb",
        ])
        #expect(cityBesideViewer.status != 0 && cityBesideViewer.stderr.contains("“jb”已有区县的账号（u-viewer），不是市"))
        let move = try CLI.run(["city", "sh", "yubei", "yubei", "--db", db])
        #expect(move.stdout.contains("sh 所辖区县：yubei\n") && move.stdout.contains("yubei 原属 cq，现改属 sh"), "\(move.stdout)")
        #expect(try CLI.run(["city", "sh", "sh", "--db", db]).stderr.contains("不能同时是它所辖的区县"))
    }
}
