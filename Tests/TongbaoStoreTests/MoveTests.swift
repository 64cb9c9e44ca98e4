import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// Moving a district from SQLite to another store (PostgreSQL when configured) loses nothing.
@Suite struct MoveTests {
    @Test(arguments: TestBackend.available)
    func aDistrictsWholeHistoryMovesAndIsChecked(_ target: TestBackend) async throws {
        let records = Fixtures.largeRecordPackage(rows: 12_000)
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { source, _ in
            let change = Change(actor: "t", source: "t")
            _ = try await Importer(store: source, district: "rec", change: change).run(files: records)
            // Ingested exports too: 40 days of partitions (more than two pages of them) and their totals.
            let export = try Fixtures.tempDir().appendingPathComponent("aug.csv")
            var generator = CaseGenerator(
                units: [.init(name: "区税务局", weight: 1, immediateShare: 0.5)], seed: 3,
                from: Day(parsing: "2021-08-01")!, days: 60)
            var bytes = Array((CaseGenerator.header + "\n").utf8)
            for _ in 0..<3_000 { generator.next(into: &bytes) }
            try Data(bytes).write(to: export)
            _ = try await CaseIngester(store: source, district: "yubei", change: change).run([export.path])
            try await source.addUser(
                Account(name: "li", district: "yubei", role: .admin), passwordHash: "$2b$04$x", at: Date())
            try await source.addToken(
                tokenHash: "abc", user: "li", at: Date(), expires: Date().addingTimeInterval(86400))
            try await source.publish(
                district: "yubei", period: Period(year: 2021, month: 7), issue: 7,
                documents: PublishedCopy(md: "m", html: "h", json: "j", docx: nil, xlsx: nil), note: nil,
                change: change)
            try await Fixtures.withStore(target) { destination in
                let mover = DistrictMover(from: source, to: destination)
                let yubei = try await mover.move(district: "yubei")
                let rec = try await mover.move(district: "rec")
                #expect(yubei.first { $0.table == "cases" }?.rows == 52)
                #expect(yubei.first { $0.table == "api_tokens" }?.rows == 1)
                #expect(yubei.first { $0.table == "publications" }?.rows == 1)
                #expect(yubei.first { $0.table == "case_partitions" }?.rows ?? 0 > 32)
                #expect(yubei.first { $0.table == "case_totals" }?.rows ?? 0 >= 2)
                let august = Period(year: 2021, month: 8)
                #expect(
                    try await destination.load(district: "yubei", period: august).cases
                        == (try await source.load(district: "yubei", period: august).cases))
                #expect(yubei.first { $0.table == "audit" }?.rows ?? 0 > 500)
                // A package's case records are ingested like an export: into partitions (many pages of them).
                #expect(rec.first { $0.table == "case_partitions" }?.rows ?? 0 > 32)
                let march = Period(year: 2022, month: 3)
                #expect(
                    try await destination.load(district: "rec", period: march).recordStats
                        == (try await source.load(district: "rec", period: march).recordStats))
                #expect(try await destination.copyDigest(district: "yubei") == yubei)
                let july = Period(year: 2021, month: 7)
                let b = BulletinBuilder(data: try await destination.load(district: "yubei", period: july), period: july)
                #expect(b.build().overview.total == 309055)
                #expect(try await destination.publication(district: "yubei", period: july)?.isFrozen == true)
                #expect(try await destination.account("li")?.passwordHash == "$2b$04$x")
                // A second move into the same target is refused before anything is written.
                let before = try await destination.fingerprint()
                await #expect(throws: DistrictMover.Failure.targetNotEmpty("yubei", table: "districts")) {
                    _ = try await mover.move(district: "yubei")
                }
                #expect(try await destination.fingerprint() == before)
            }
        }
    }
}
