import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite(.serialized) struct ServeCommandTests {
    @Test func userAddChecksItsArgumentsAndStoresAHash() async throws {
        let db = try Fixtures.tempDir().appendingPathComponent("u.sqlite").path
        let i = try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "yubei"])
        #expect(i.status == 0, "\(i.stderr)")
        let ok = try CLI.run([
            "user", "add", "li", "--role", "reporter", "--unit", "C01", "--password", "secret-123", "--db", db,
            "--district", "yubei",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("已新建账号 li"))
        let noUnit = try CLI.run(["user", "add", "x", "--role", "reporter", "--password", "secret-123", "--db", db])
        #expect(noUnit.status != 0)
        #expect(noUnit.stderr.contains("--unit"))
        let unknownUnit = try CLI.run([
            "user", "add", "y", "--role", "reporter", "--unit", "ZZ", "--password", "secret-123", "--db", db,
            "--district", "yubei",
        ])
        #expect(unknownUnit.status != 0)
        #expect(unknownUnit.stderr.contains("没有单位 ZZ"))
        let twice = try CLI.run([
            "user", "add", "li", "--role", "viewer", "--password", "secret-123", "--db", db, "--district", "yubei",
        ])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("已存在"))
        let token = try CLI.run(["user", "token", "li", "--db", db])
        #expect(token.status == 0)
        #expect(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines).count >= 40)
        let (account, hash) = try #require(try await SQLStore.with(db) { try await $0.account("li") })
        #expect(account.unit == "C01")
        #expect(hash.hasPrefix("$2") && !hash.contains("secret-123"))
    }

    @Test func serveAnswersUntilStopped() async throws {
        let db = try Fixtures.tempDir().appendingPathComponent("s.sqlite").path
        let port = CLI.freePort()
        let (p, out, _) = CLI.process(["serve", "--db", db, "--port", "\(port)"])
        try p.run()
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        var status = 0
        for _ in 0..<100 where status == 0 {
            try await Task.sleep(for: .milliseconds(100))
            if let (_, response) = try? await URLSession.shared.data(
                from: URL(string: "http://127.0.0.1:\(port)/login")!)
            {
                status = (response as? HTTPURLResponse)?.statusCode ?? 0
            }
        }
        #expect(status == 200)
        p.terminate()
        p.waitUntilExit()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("通报网页服务"))
    }

    /// `demo --serve` prints three logins; the admin's signs in through the login form.
    @Test func demoServePrintsALoginThatWorks() async throws {
        let dir = try Fixtures.tempDir()
        let port = CLI.freePort()
        let (p, out, _) = CLI.process(["demo", "--out", dir.path, "--serve", "--port", "\(port)"])
        try p.run()
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        var printed = ""
        let deadline = Date().addingTimeInterval(60)
        while !printed.contains("通报网页服务"), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(printed.split(separator: "\n").first { $0.contains("admin / ") })
        let password = String(line.split(separator: " ")[2])
        #expect(printed.contains("reporter / ") && printed.contains("viewer / "))
        let base = "http://127.0.0.1:\(port)"
        var status = 0
        for _ in 0..<100 where status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            status = (try? await Self.get("\(base)/login").0) ?? 0
        }
        #expect(status == 200)
        // The login form's token and cookie, then the password.
        let (_, form, cookie) = try await Self.get("\(base)/login")
        let token = try #require(form.range(of: #"name="_csrf" value="([^"]*)""#, options: .regularExpression))
        let csrf = form[token].dropFirst(#"name="_csrf" value=""#.count).dropLast()
        var request = URLRequest(url: URL(string: "\(base)/login")!)
        request.httpMethod = "POST"
        request.setValue(cookie, forHTTPHeaderField: "Cookie")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let body =
            "_csrf=\(csrf)&name=admin&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        request.httpBody = Data(body.utf8)
        let (_, response) = try await URLSession(configuration: .ephemeral, delegate: NoRedirect(), delegateQueue: nil)
            .data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 302)
        #expect((http.allHeaderFields["Set-Cookie"] as? String)?.contains("tongbao_session=") == true)
    }

    /// What an installer mistypes is refused in words that name it, and nothing is left behind.
    @Test func mistypedDatabaseAndPortAreNamed() async throws {
        let dir = try Fixtures.tempDir()
        let text = dir.appendingPathComponent("notes.txt")
        try Data("not a database\n".utf8).write(to: text)
        for command in [["validate", Fixtures.sample.path], ["bulletin", "--period", "2021-07"], ["audit"]] {
            let r = try CLI.run(command + ["--db", text.path])
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr.contains("不是 SQLite 数据库") && r.stderr.contains("notes.txt"), "\(r.stderr)")
            #expect(!r.stderr.contains("用法"), "a runtime error is no usage error: \(r.stderr)")
        }
        #expect(try Data(contentsOf: text) == Data("not a database\n".utf8))
        // SQLite would take "" for a private temporary database, lost at exit.
        let empty = try CLI.run(["serve", "--db", "", "--port", "\(CLI.freePort())"])
        #expect(empty.status == 1 && empty.stderr.contains("没有给出数据库"), "\(empty.stderr)")
        for port in ["99999", "0", "-1"] {
            let r = try CLI.run(["serve", "--db", dir.appendingPathComponent("p.sqlite").path, "--port=\(port)"])
            #expect(r.status != 0 && r.stderr.contains("1 到 65535"), "\(port): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p.sqlite").path))
        let dash = try CLI.run(["serve", "--db", "x.sqlite", "--port", "-1"])
        #expect(dash.status != 0 && dash.stderr.contains("缺少取值") && !dash.stderr.contains("Missing"))
        // A port another program holds: refused with the port, and the banner never claims it.
        let port = CLI.freePort()
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let held = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 && listen(holder, 1) == 0
            }
        }
        try #require(held)
        let busy = try CLI.run(["serve", "--db", dir.appendingPathComponent("b.sqlite").path, "--port", "\(port)"])
        #expect(busy.status == 1 && busy.stderr.contains("端口 \(port) 已被另一个程序占用"), "\(busy.stderr)")
        #expect(!busy.stdout.contains("通报网页服务"), "\(busy.stdout)")
        // An ingest of a file that is not there creates no database.
        let db = dir.appendingPathComponent("i.sqlite").path
        let missing = try CLI.run(["ingest", "--db", db, dir.appendingPathComponent("no-such.csv").path, dir.path])
        #expect(missing.status == 1 && missing.stderr.contains("文件不存在") && missing.stderr.contains("这是文件夹"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// Every command that needs a database reads it from TONGBAO_DB without --db (a PostgreSQL password need not
    /// sit on a command line); --db wins over it; neither is a clear refusal.
    @Test func theDatabaseMayComeFromTheEnvironment() throws {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("env.sqlite").path
        let imported = try CLI.run(["import", Fixtures.sample.path], environment: ["TONGBAO_DB": db])
        #expect(imported.status == 0, "\(imported.stderr)")
        let user = try CLI.run(
            ["user", "add", "wang", "--role", "viewer", "--password", "wang-password-1"],
            environment: ["TONGBAO_DB": db])
        #expect(user.status == 0, "\(user.stderr)")
        let audit = try CLI.run(["audit", "--limit", "1"], environment: ["TONGBAO_DB": "/nonexistent/x.sqlite"])
        #expect(audit.status == 1 && audit.stderr.contains("/nonexistent/x.sqlite"), "the environment's is used")
        let explicit = try CLI.run(
            ["audit", "--limit", "10000", "--db", db], environment: ["TONGBAO_DB": "/nonexistent/x.sqlite"])
        #expect(explicit.status == 0 && explicit.stdout.contains("wang"), "\(explicit.stderr)")
        for command in [["audit"], ["serve"], ["user", "token", "wang"], ["ingest", "x.csv"]] {
            let r = try CLI.run(command, environment: ["TONGBAO_DB": nil])
            #expect(r.status == 64 && r.stderr.contains("TONGBAO_DB"), "\(command): \(r.stderr)")
        }
    }

    /// A refused command leaves no new database behind, and an error found while running prints no usage.
    @Test func refusedCommandsCreateNoDatabase() throws {
        let dir = try Fixtures.tempDir()
        func fresh(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let missing = try CLI.run(["migrate-db", "--from", fresh("none.sqlite"), "--to", fresh("to.sqlite")])
        #expect(missing.status == 1 && missing.stderr.contains("不存在") && !missing.stderr.contains("用法"))
        let importBad = try CLI.run(["import", fresh("no-package"), "--db", fresh("i.sqlite")])
        #expect(importBad.status == 1)
        let validate = try CLI.run(["validate", Fixtures.sample.path, "--db", fresh("v.sqlite")])
        #expect(validate.status == 1 && validate.stderr.contains("不存在"), "\(validate.stderr)")
        let export = dir.appendingPathComponent("e.csv")
        try Data("case_id,unit,category,kind,received_at\nX1,C01,审批,即办,2021-07-01 09:00\n".utf8).write(to: export)
        let ingest = try CLI.run(["ingest", export.path, "--db", fresh("n.sqlite")])
        #expect(ingest.status == 1 && ingest.stderr.contains("units.csv"), "\(ingest.stderr)")
        for command in [["user", "disable", "bob"], ["user", "token", "bob"]] {
            let r = try CLI.run(command + ["--db", fresh("u.sqlite")])
            #expect(r.status == 1 && r.stderr.contains("不存在") && !r.stderr.contains("用法"), "\(command): \(r.stderr)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".sqlite") }
        #expect(names.isEmpty, "\(names)")
        // The account is looked for at run time: no such account is no usage error.
        let db = fresh("d.sqlite")
        #expect(try CLI.run(["import", Fixtures.sample.path, "--db", db]).status == 0)
        let noAccount = try CLI.run(["user", "disable", "bob", "--db", db])
        #expect(noAccount.status == 1 && noAccount.stderr.contains("bob") && !noAccount.stderr.contains("用法"))
        // A city's list that names no district leaves nothing; a city's row is no district of data.
        #expect(try CLI.run(["city", "cq", "nowhere", "--db", db]).status == 1)
        #expect(try CLI.run(["bulletin", "--period", "2021-07", "--db", db]).status == 0)
        #expect(try CLI.run(["city", "cq", "default", "--db", db]).status == 0)
        let bulletin = try CLI.run(["bulletin", "--period", "2021-07", "--db", db])
        #expect(bulletin.status == 0, "one district of data, none to name: \(bulletin.stderr)")
        let host = try CLI.run(["serve", "--db", db, "--host", " "])
        #expect(host.status == 64 && host.stderr.contains("--host"))
    }

    static func get(_ url: String) async throws -> (Int, String, String) {
        let (data, response) = try await URLSession(configuration: .ephemeral).data(from: URL(string: url)!)
        let http = response as? HTTPURLResponse
        let cookie =
            (http?.allHeaderFields["Set-Cookie"] as? String)?.split(separator: ";").first.map(String.init) ?? ""
        return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), cookie)
    }

    final class NoRedirect: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) { completionHandler(nil) }
    }
}
