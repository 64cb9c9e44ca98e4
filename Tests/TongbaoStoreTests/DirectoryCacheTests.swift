import Foundation
import Testing
import TongbaoStore
import TongbaoTestSupport

@testable import TongbaoCore

/// A save reads the district's directory, rubric and calendar from memory while the district's stamp stands
/// (`SQLStore+Directory.swift`): a change made through another connection to the same database (another
/// `tongbao serve`, the command line) must be seen by the next read all the same.
@Suite struct DirectoryCacheTests {
    static func location(_ backend: TestBackend) async throws -> (String, @Sendable () async -> Void) {
        backend == .sqlite ? try TestBackend.sqliteFile() : try await backend.freshLocation()
    }

    static func importing(_ store: SQLStore, _ name: String, _ text: String) async throws {
        _ = try await Importer(store: store, district: "d", change: Change(actor: "t", source: "t"))
            .run(files: [PackageFile(name: name, data: Data(text.utf8))])
    }

    @Test(arguments: TestBackend.available) func changesThroughAnotherConnectionAreSeenAtOnce(_ backend: TestBackend)
        async throws
    {
        let (location, cleanup) = try await Self.location(backend)
        do {
            try await SQLStore.with(location) { reader in
                try await SQLStore.with(location) { writer in
                    #expect(try await reader.directory(district: "d") == nil)
                    try await Self.importing(writer, "units.csv", "code,name,tier\nA,区甲局,center\n")
                    let first = try #require(try await reader.directory(district: "d"))
                    #expect(first.units.map(\.name) == ["区甲局"])
                    #expect(try await reader.directory(district: "d")?.stamp == first.stamp)

                    try await Self.importing(writer, "units.csv", "code,name,tier\nA,区甲委,center\nB,乙镇,town\n")
                    let renamed = try #require(try await reader.directory(district: "d"))
                    #expect(renamed.stamp > first.stamp)
                    #expect(renamed.units.map(\.name) == ["区甲委", "乙镇"])
                    let july = Period(parsing: "2021-07")!
                    #expect(try await reader.load(district: "d", period: july).units.map(\.name) == ["区甲委", "乙镇"])
                    let one = try await reader.load(district: "d", period: july, unit: "B")
                    #expect(one.units.map(\.code) == ["B"])

                    try await Self.importing(writer, "rubric.csv", "code,name,max\nK1,办件质量,40\n")
                    let rubric = try #require(try await reader.directory(district: "d"))
                    #expect(rubric.stamp > renamed.stamp && rubric.rubric.map(\.code) == ["K1"])

                    // 2021-10-08 (a Friday) made a day off by the district.
                    let day = Day(parsing: "2021-10-08")!
                    #expect(try rubric.calendar.isWorkday(DayNumber.from(day)))
                    _ = try await writer.saveCalendarDays(
                        [WorkCalendar.Entry(day: day, working: false, note: "测试")], district: "d",
                        change: Change(actor: "t", source: "t"))
                    let calendar = try #require(try await reader.directory(district: "d"))
                    #expect(calendar.stamp > rubric.stamp)
                    #expect(try !calendar.calendar.isWorkday(DayNumber.from(day)))

                    // A save of figures leaves the stamp (and what is held) alone.
                    try await Self.importing(writer, "cases.csv", "period,unit,recv_immediate\n2021-07,A,5\n")
                    #expect(try await reader.directory(district: "d")?.stamp == calendar.stamp)
                }
            }
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }

    /// Files of earlier months name a unit by every name it had: a second rename, with an empty aliases column,
    /// keeps the first name too (it kept only the second).
    @Test func aUnitRenamedTwiceIsStillFoundByItsFirstName() async throws {
        try await Fixtures.withStore(.sqlite) { store in
            try await Self.importing(store, "units.csv", "code,name,tier,aliases\nC02,区财政局,center,\n")
            try await Self.importing(store, "units.csv", "code,name,tier,aliases\nC02,区财政局甲,center,\n")
            try await Self.importing(store, "units.csv", "code,name,tier,aliases\nC02,区财政局乙,center,\n")
            let unit = try #require(try await store.directory(district: "d")?.units.first)
            #expect(unit.name == "区财政局乙" && Set(unit.aliases) == ["区财政局", "区财政局甲"])
            try await Self.importing(store, "cases.csv", "period,unit,recv_immediate\n2021-07,区财政局,3\n")
        }
    }

    /// A directory read inside a write transaction (a dry run's checks) may be rolled back, and its stamp then
    /// reused by the next real change: it must never be held. Here a dry run renames A and checks July inside its
    /// transaction; the next committed change (a holiday) takes the same stamp, and the rename must not show.
    @Test(arguments: TestBackend.available) func aRolledBackDirectoryIsNeverHeld(_ backend: TestBackend)
        async throws
    {
        try await Fixtures.withStore(backend) { store in
            try await Self.importing(store, "units.csv", "code,name,tier\nA,区甲局,center\n")
            _ = try await Importer(store: store, district: "d", change: Change(actor: "t", source: "t")).run(
                files: [
                    PackageFile(name: "units.csv", data: Data("code,name,tier\nA,区甲委,center\n".utf8)),
                    PackageFile(name: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,A,5\n".utf8)),
                ], dryRun: true)
            _ = try await store.saveCalendarDays(
                [WorkCalendar.Entry(day: Day(parsing: "2021-10-08")!, working: false, note: "测试")], district: "d",
                change: Change(actor: "t", source: "t"))
            #expect(try await store.directory(district: "d")?.units.map(\.name) == ["区甲局"])
            let july = try await store.load(district: "d", period: Period(parsing: "2021-07")!)
            #expect(july.units.map(\.name) == ["区甲局"])
        }
    }
}
