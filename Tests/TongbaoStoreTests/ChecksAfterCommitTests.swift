import Foundation
import Testing
import TongbaoCore
import TongbaoTestSupport

@testable import TongbaoStore

/// An import's warnings are computed after its commit, outside the district's writers' turn: when they cannot be
/// computed then, the import stays saved and says so (N203) instead of failing a save that was kept.
@Suite struct ChecksAfterCommitTests {
    @Test(arguments: TestBackend.available) func checksThatCannotRunAfterTheCommitLeaveTheSaveAndSayN203(
        _ backend: TestBackend
    ) async throws {
        try await Fixtures.withStore(backend) { store in
            func importing(_ name: String, _ text: String) async throws -> ImportReport {
                var importer = Importer(store: store, district: "d", change: Change(actor: "rep", source: "t"))
                importer.onlyUnit = "A"
                return try await importer.run(files: [PackageFile(name: name, data: Data(text.utf8))])
            }
            _ = try await Importer(store: store, district: "d", change: Change(actor: "t", source: "t"))
                .run(files: [PackageFile(name: "units.csv", data: Data("code,name,tier\nA,区甲局,center\n".utf8))])
            let first = try await importing("cases.csv", "period,unit,recv_immediate\n2021-07,A,5\n")
            #expect(!first.warnings.contains { $0.code == .checksNotRun })
            // Another tool wrote a row the store cannot read back (a month that is not one), inside July's window.
            try await store.raw(
                "INSERT INTO cases (district, period, unit, recv_immediate, seq) VALUES ('d', '2021-06x', 'A', 1, 99)")
            let second = try await importing("cases.csv", "period,unit,recv_immediate\n2021-07,A,7\n")
            #expect(second.warnings.map(\.code) == [.checksNotRun])
            #expect(second.writes.first { $0.table == "cases" }?.updated == 1)
            let (row, _) = try await store.reportRows(district: "d", unit: "A", period: Period(parsing: "2021-07")!)
            #expect(row?.recvImmediate == 7)
            #expect(
                try await store.reportVersion(district: "d", period: Period(parsing: "2021-07")!, unit: "A").version
                    == 2)
        }
    }
}
