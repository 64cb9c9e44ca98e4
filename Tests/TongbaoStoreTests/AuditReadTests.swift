import Foundation
import Testing
import TongbaoTestSupport

@testable import TongbaoStore

/// The audit log is read newest first, filtered in the database and `limit` entries at a time, so a log of
/// millions of rows never sits in memory whole.
@Suite struct AuditReadTests {
    @Test(arguments: TestBackend.available) func filtersMatchWholeWordsAndTheCountIsOfEveryMatch(
        _ backend: TestBackend
    ) async throws {
        try await Fixtures.withStore(backend) { store in
            let stored = [
                "2021-07 C01", "2021-07-15 C02", "2021-08 C01", "2021-070 C0", "C01x 2021-07", "% _", "2021-07 c01",
            ]
            for (i, key) in stored.enumerated() {
                let change = Change(
                    actor: i % 2 == 0 ? "甲" : "乙", source: "test",
                    at: Date(timeIntervalSince1970: 1_600_000_000 + Double(i)))
                try await store.appendAudit(
                    district: "d", change: change, table: "cases", key: key, column: "recv", old: nil, new: String(i))
            }
            try await store.appendAudit(
                district: "other", change: Change(actor: "甲", source: "test"), table: "cases", key: "2021-07 C01",
                column: "recv", old: nil, new: "x")
            func keys(unit: String = "", period: String = "", actor: String = "", limit: Int = 100) async throws
                -> ([String], Int)
            {
                let (entries, total) = try await store.recentAudit(
                    district: "d", unit: unit, period: period, actor: actor, limit: limit)
                return (entries.map(\.key), total)
            }
            #expect(try await keys() == (stored.reversed(), 7), "newest first, this district only")
            #expect(try await keys(unit: "C01") == (["2021-08 C01", "2021-07 C01"], 2), "a word, not C01x, not c01")
            #expect(
                try await keys(period: "2021-07") == (
                    ["2021-07 c01", "C01x 2021-07", "2021-07-15 C02", "2021-07 C01"], 4
                ),
                "the month and its days, not 2021-070")
            #expect(try await keys(unit: "C01", period: "2021-07", actor: "甲") == (["2021-07 C01"], 1))
            #expect(try await keys(unit: "%") == (["% _"], 1), "a typed % is no pattern")
            #expect(try await keys(unit: "C0_") == ([], 0))
            #expect(
                try await keys(limit: 2) == (["2021-07 c01", "% _"], 7), "the limit bounds the entries, not the count")
        }
    }
}
