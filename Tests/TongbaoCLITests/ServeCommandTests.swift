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
        let port = Int.random(in: 20_000..<40_000)
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
}
