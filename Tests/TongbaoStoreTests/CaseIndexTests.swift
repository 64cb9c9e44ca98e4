import Foundation
import Testing
import TongbaoCore
import TongbaoTestSupport

@testable import TongbaoStore

/// A case arriving with another received date than the one it is held under (a corrected export, or a reporter's
/// file) is moved to its new day, never held and counted twice.
@Suite struct CaseIndexTests {
    /// X2 of ``IngestTests/july`` (received 07-29, open) with its received date corrected to 08-02, completed 08-03.
    static let corrected =
        IngestTests.header + "X2,A,事项2,审批,承诺,2021-08-02 09:00:00,2021-08-03 15:00:00,3,,,网上\n"

    static func receivedPromised(_ store: SQLStore, _ period: String) async throws -> Int {
        try await IngestTests.figures(store, period).0["A"]?.recvPromised ?? 0
    }

    /// Everything an ingest may write: the domain tables' counts, every case, the totals and the index.
    static func state(_ store: SQLStore) async throws -> String {
        let index = try await store.caseIndex(district: "d", slots: Array(0..<CaseIndex.slots))
        return try await store.fingerprint() + "\(try await IngestTests.all(store))"
            + "\(try await store.caseTotals(district: "d").figures.sorted { $0.key < $1.key })"
            + "\(index.sorted { $0.key < $1.key })"
    }

    static func x2(_ store: SQLStore) async throws -> [CaseState] {
        try await IngestTests.all(store).filter { $0.caseID == "X2" }
    }

    @Test(arguments: TestBackend.available) func aCaseWhoseReceivedDateChangesMovesAndCountsOnce(
        _ backend: TestBackend
    ) async throws {
        let dir = try Fixtures.tempDir()
        let jul = try IngestTests.write(IngestTests.july, "jul.csv", in: dir)
        let fix = try IngestTests.write(Self.corrected, "fix.csv", in: dir)
        for order in [[jul, fix], [fix, jul], [jul, fix, jul, fix]] {
            try await IngestTests.withUnits(backend) { store in
                var reports: [IngestReport] = []
                for file in order { reports.append(try await IngestTests.ingester(store).run([file])) }
                // The completed state wins, whatever the order: X2 is held once, under 08-02.
                let held = try await Self.x2(store)
                #expect(held.count == 1 && held.first?.completed != nil, "\(held)")
                #expect(try await Self.receivedPromised(store, "2021-07") == 0, "X2 no longer counts in July")
                #expect(try await Self.receivedPromised(store, "2021-08") == 1)
                #expect(reports.map(\.added).reduce(0, +) == 3, "X1, X2, X3: three cases in all")
                // The index names the one day X2 is held under.
                let h = Array("X2".utf8).withUnsafeBufferPointer(CaseIndex.hash(_:))
                let slot = try await store.caseIndex(district: "d", slots: [CaseIndex.slot(h)])
                #expect(
                    slot.values.joined().filter { $0.hash == h }.map(\.day)
                        == [Int32(CaseState.day(Day(parsing: "2021-08-02")!))])
                if order == [jul, fix] {
                    #expect(reports[1].updated == 1 && reports[1].added == 0 && reports[1].moved == 1)
                }
                if order == [fix, jul] {
                    #expect(reports[1].keptDay == 1 && reports[1].moved == 0, "July's open X2 does not move it back")
                }
                if order.count == 4 { #expect(reports[2].updated == 0 && reports[2].unchanged == 3) }
            }
        }
    }

    /// Two ids that are one letter spelled two ways (composed and decomposed) are two cases to the merge, which
    /// compares bytes; moving both in one ingest keeps both (the move used to compare them as Swift strings, equal,
    /// and dropped one).
    @Test func idsThatDifferOnlyInCompositionMoveAsTwoCases() async throws {
        let dir = try Fixtures.tempDir()
        let (composed, decomposed) = ("\u{C9}1", "E\u{301}1")
        #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        func row(_ id: String, _ day: String) -> String { "\(id),A,事项,审批,承诺,2021-07-\(day) 09:00:00,,3,,,窗口\n" }
        let first = try IngestTests.write(
            IngestTests.header + row(composed, "05") + row(decomposed, "05"), "a.csv", in: dir)
        let moved = try IngestTests.write(
            IngestTests.header + row(composed, "06") + row(decomposed, "07"), "b.csv", in: dir)
        try await IngestTests.withUnits(.sqlite) { store in
            _ = try await IngestTests.ingester(store).run([first])
            let report = try await IngestTests.ingester(store).run([moved])
            #expect(report.moved == 2 && report.added == 0, "\(report)")
            let held = try await IngestTests.all(store)
            #expect(
                held.map { Array($0.caseID.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
                    == [Array(decomposed.utf8), Array(composed.utf8)].sorted { $0.lexicographicallyPrecedes($1) })
            #expect(try await Self.receivedPromised(store, "2021-07") == 2)
        }
    }

    /// A data package's case_records.csv goes through the same merge, index included.
    @Test(arguments: TestBackend.available) func aPackagesCaseRecordsMoveACaseAsAnExportDoes(_ backend: TestBackend)
        async throws
    {
        let dir = try Fixtures.tempDir()
        let jul = try IngestTests.write(IngestTests.july, "jul.csv", in: dir)
        func package(_ unit: String) -> [PackageFile] {
            let csv = """
                case_id,unit,category,kind,received_at,completed_at,promised_days,rating,scope
                X2,\(unit),审批,承诺,2021-08-02 09:00,2021-08-03 15:00,3,,

                """
            return [PackageFile(name: "case_records.csv", data: Data(csv.utf8))]
        }
        try await IngestTests.withUnits(backend) { store in
            _ = try await IngestTests.ingester(store).run([jul])
            let before = try await Self.state(store)
            var reporter = Importer(store: store, district: "d", change: Change(actor: "rep", source: "test"))
            reporter.onlyUnit = "B"
            let refused = await #expect(throws: ImportFailed.self) { try await reporter.run(files: package("B")) }
            #expect(refused?.errors.map(\.code) == [.unitNotAllowed], "X2 is unit A's")
            #expect(try await Self.state(store) == before)

            let moved = try await Importer(store: store, district: "d", change: Change(actor: "t", source: "test"))
                .run(files: package("A"))
            // The month X2 leaves changed too: the report (and so the upload's preview and the API) names it.
            #expect(moved.periods.map(\.description) == ["2021-07", "2021-08"])
            #expect(try await Self.x2(store).count == 1)
            #expect(try await Self.receivedPromised(store, "2021-07") == 0)
            #expect(try await Self.receivedPromised(store, "2021-08") == 1)
            // The index knows where X2 went: an export naming it under July again changes nothing.
            let again = try await IngestTests.ingester(store).run([jul])
            #expect(again.added == 0 && again.updated == 0, "\(again)")
            #expect(try await Self.x2(store).count == 1)
        }
    }

    @Test func oneFileNamingACaseUnderTwoDaysKeepsItOnce() async throws {
        let dir = try Fixtures.tempDir()
        let both = try IngestTests.write(
            IngestTests.july + Self.corrected.dropFirst(IngestTests.header.count), "both.csv", in: dir)
        try await IngestTests.withUnits(.sqlite) { store in
            let report = try await IngestTests.ingester(store).run([both])
            #expect(report.rows == 4 && report.added == 3 && report.unchanged == 1, "\(report)")
            #expect(try await Self.x2(store).count == 1)
            #expect(try await Self.receivedPromised(store, "2021-07") == 0)
            #expect(try await Self.receivedPromised(store, "2021-08") == 1)
        }
    }

    @Test func aDistrictIngestedBeforeTheIndexBuildsItAtItsNextIngest() async throws {
        let dir = try Fixtures.tempDir()
        let jul = try IngestTests.write(IngestTests.july, "jul.csv", in: dir)
        let fix = try IngestTests.write(Self.corrected, "fix.csv", in: dir)
        try await IngestTests.withUnits(.sqlite) { store in
            _ = try await IngestTests.ingester(store).run([jul])
            try await store.db.raw("DELETE FROM case_index").run()
            #expect(try await store.caseIndexMissing(district: "d"))
            _ = try await IngestTests.ingester(store).run([fix])
            #expect(try await Self.x2(store).count == 1)
            #expect(try await Self.receivedPromised(store, "2021-07") == 0)
            #expect(try await !store.caseIndexMissing(district: "d"))
        }
    }

    @Test func aReporterCannotMoveAnotherUnitsCaseNorAPublishedMonthsCase() async throws {
        let dir = try Fixtures.tempDir()
        let jul = try IngestTests.write(IngestTests.july, "jul.csv", in: dir)
        // X2 is unit A's: a reporter of B names it under a new date.
        let other = try IngestTests.write(
            IngestTests.header + "X2,乙镇,事项2,审批,承诺,2021-08-09 09:00:00,2021-08-09 15:00:00,3,,,网上\n", "b.csv",
            in: dir)
        let fix = try IngestTests.write(Self.corrected, "fix.csv", in: dir)
        try await IngestTests.withUnits(.sqlite) { store in
            _ = try await IngestTests.ingester(store).run([jul])
            let before = try await Self.state(store)
            var reporter = IngestTests.ingester(store)
            reporter.onlyUnit = "B"
            let refused = await #expect(throws: ImportFailed.self) { try await reporter.run([other]) }
            #expect(refused?.errors.map(\.code) == [.unitNotAllowed])
            #expect(try await Self.state(store) == before)

            try await store.publish(
                district: "d", period: Period(year: 2021, month: 7), issue: 1,
                documents: PublishedCopy(md: "", html: "", json: "{}", docx: nil, xlsx: nil), note: nil,
                change: Change(actor: "t", source: "t"))
            let published = try await Self.state(store)
            let frozen = await #expect(throws: ImportFailed.self) { try await IngestTests.ingester(store).run([fix]) }
            #expect(frozen?.errors.map(\.code) == [.periodPublished], "moving X2 out of July changes July")
            #expect(try await Self.state(store) == published)
        }
    }

    @Test func movesBeyondTheBoundAreRefusedBeforeAnythingIsSaved() async throws {
        let dir = try Fixtures.tempDir()
        let jul = try IngestTests.write(IngestTests.july, "jul.csv", in: dir)
        // Every case a day later, as an export shifted by its time zone would be.
        let shifted = try IngestTests.write(
            IngestTests.header
                + "X1,区甲局,事项1,服务,即办,2021-07-06 09:00:00,2021-07-06 10:00:00,0,满意,,窗口\n"
                + "X2,A,事项2,审批,承诺,2021-07-30 09:00:00,,3,,,网上\n"
                + "X3,乙镇,事项3,审批,承诺,2021-07-02 10:00:00,2021-07-10 11:00:00,5,不满意,全渝通办,窗口\n",
            "shifted.csv", in: dir)
        try await IngestTests.withUnits(.sqlite) { store in
            _ = try await IngestTests.ingester(store).run([jul])
            let before = try await Self.state(store)
            var ingester = IngestTests.ingester(store)
            ingester.maxMoves = 2
            let failure = await #expect(throws: ImportFailed.self) { try await ingester.run([shifted]) }
            #expect(failure?.errors.map(\.code) == [.ingestTooLarge])
            #expect(
                failure?.errors.first?.message.contains("超过 2 件办件（已发现 3 件）") == true, "\(String(describing: failure))")
            #expect(try await Self.state(store) == before)
            ingester.maxMoves = 3
            _ = try await ingester.run([shifted])
            #expect(try await IngestTests.all(store).count == 3)
        }
    }

    @Test func indexSlotsRoundTripAndNameTheHashesUnderTwoDays() throws {
        let a = CaseIndex.Entry(hash: 1 << 60, day: 18_800)
        let b = CaseIndex.Entry(hash: 7, day: -3)
        #expect(try CaseIndex.decode(CaseIndex.encode([b, a])) == [b, a])
        #expect(throws: CasePartition.Corrupt.self) { try CaseIndex.decode(Array("TBX1".utf8) + [1, 2]) }
        let moved = CaseIndex.Entry(hash: 1 << 60, day: 18_801)
        let (entries, suspects) = CaseIndex.union(stored: [b, a], incoming: [moved, moved, b])
        #expect(entries == [b, a, moved])
        #expect(suspects == [a, moved], "b arrives again under its own day: no suspect")
        #expect(CaseIndex.union(stored: [a, moved], incoming: [b]).suspects.isEmpty, "a is not arriving")
    }
}
