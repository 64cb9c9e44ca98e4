import Foundation
import TongbaoCore
import TongbaoOffice

/// What `tongbao ingest` did.
public struct IngestReport: Sendable {
    public var rows = 0
    public var bytes = 0
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var skipped = 0
    /// Days whose partition changed.
    public var days = 0
    /// Cases now held under another received day (counted in `updated`), and cases that arrived under another day
    /// than the one they are held under but did not move: their stored state ranks higher (counted in `unchanged`).
    public var moved = 0
    public var keptDay = 0
    /// Rows with fewer cells than the header, their missing cells read as empty.
    public var shortRows = 0
    /// Files whose last line, without its line break, was short and read as a short row (rows before it were
    /// short too, so it may be whole): it may also be a file cut short.
    public var cutShort: [String] = []
    /// Months whose figures changed.
    public var periods: [Period] = []
    /// The first ``TableWrite/listedChanges`` changed monthly figures, as the audit log has them (`case_totals`).
    public var changes: [AuditEntry] = []
    /// Seconds spent reading and checking the files, and merging and writing (what bounds an ingest).
    public var readSeconds = 0.0
    public var writeSeconds = 0.0
}

/// Progress of an ingest, for a terminal's progress bar.
public struct IngestProgress: Sendable {
    public var phase: String
    public var bytes: Int
    public var totalBytes: Int
    public var rows: Int
}

/// Ingests the approval platform's 办件明细 exports (case_records.csv, UTF-8 or GB18030, .csv or .csv.gz).
///
/// Phase 1 streams each file: every row is read and checked, and good rows are spilled to temporary files, one
/// per day received, so memory does not grow with the file. A bad row fails the whole ingest before anything is
/// written, unless `skipBad` names a file for rejected rows. Phase 2, in one transaction, first finds the cases
/// arriving under another received day than the one they are held under (`CaseIngester+Index.swift`), then merges
/// each touched day's partition with what is stored (a case is keyed by its id; the later state wins, whatever the
/// order of the exports), and moves the monthly totals by the difference. Ingesting one more day touches the
/// partitions of that day's cases only (and the case index). Reading the files is `CaseIngester+Source.swift`;
/// holding good rows until the merge, `CaseIngester+Spill.swift`.
public struct CaseIngester: Sendable {
    public let store: SQLStore
    public let district: String
    public let districtName: String?
    public let change: Change
    public var skipBad: URL?
    public var progress: (@Sendable (IngestProgress) -> Void)?
    /// Cases held in memory before they are spilled to disk.
    public var spillEvery = 200_000
    /// Cases arriving under another received day than the one they are held under, at most, in one ingest.
    public var maxMoves = CaseRelocation.limit
    /// How the platform's export names its columns and codes; nil reads Tongbao's own names and synonyms.
    public var profile: ExportProfile?
    /// A reporter's import: the only unit whose figures it may change. A case id already stored under another
    /// unit would move that unit's case (and its figures): refused.
    public var onlyUnit: String?

    public init(store: SQLStore, district: String, districtName: String? = nil, change: Change) {
        self.store = store
        self.district = district
        self.districtName = districtName
        self.change = change
    }

    /// The first line of the rejected-rows file (`--skip-bad`).
    static let rejectedHeader = "file,line,column,reason,row"

    /// The rejected-rows file may replace only an earlier one of its kind, never an export being read (it was
    /// emptied before it was read) nor any other file (`--skip-bad bad.csv export.csv` read as two exports
    /// replaced `bad.csv` without a word). A device such as /dev/null is written through.
    static func checkRejectedFile(_ path: String, inputs: [String]) throws {
        var target = stat()
        guard stat(path, &target) == 0 else { return }
        for input in inputs {
            var other = stat()
            if stat(input, &other) == 0, other.st_dev == target.st_dev, other.st_ino == target.st_ino {
                throw RejectedFileRefused(path: path, reason: "它就是要导入的文件；请另取一个文件名存放出错的行")
            }
        }
        if (target.st_mode & S_IFMT) == S_IFDIR {
            throw RejectedFileRefused(path: path, reason: "这是文件夹；请给出一个文件名，如 出错的行.csv")
        }
        guard (target.st_mode & S_IFMT) == S_IFREG, target.st_size > 0 else { return }
        let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)))
            .flatMap { handle in
                defer { try? handle.close() }
                return try? handle.read(upToCount: 64)
            }
        if let head, String(decoding: head, as: UTF8.self).hasPrefix(rejectedHeader) { return }
        throw RejectedFileRefused(path: path, reason: "文件已存在，且不是以前存放出错行的文件，未覆盖；请另取一个文件名，或先删除它")
    }

    /// Why the rejected-rows file was not written (``checkRejectedFile(_:inputs:)``); nothing was read or stored.
    public struct RejectedFileRefused: Error, LocalizedError {
        public var path: String
        public var reason: String
        public var errorDescription: String? { "--skip-bad 的文件“\(path)”不能写入：\(reason)。未导入任何数据" }
    }

    /// Refuses paths that are no readable file, all of them at once, before anything else is looked at.
    public static func checkReadable(_ paths: [String]) throws {
        let fm = FileManager.default
        let issues = paths.compactMap { path -> Issue? in
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                return Issue(.unreadablePackage, file: path, value: "文件不存在")
            }
            if isDirectory.boolValue { return Issue(.unreadablePackage, file: path, value: "这是文件夹，请给出导出文件本身") }
            return fm.isReadableFile(atPath: path) ? nil : Issue(.unreadablePackage, file: path, value: "没有读取权限")
        }
        if !issues.isEmpty { throw ImportFailed(issues) }
    }

    public func run(_ paths: [String]) async throws -> IngestReport {
        try Self.checkReadable(paths)
        let units = try await store.units(district: district)
        guard !units.isEmpty else {
            throw ImportFailed([Issue(.unknownUnit, file: paths.first, value: "（机构目录为空，请先导入 units.csv）")])
        }
        let spill = try Spill()
        defer { spill.remove() }
        var report = IngestReport()
        var rejected: FileHandle? = nil
        if let skipBad {
            try Self.checkRejectedFile(skipBad.path, inputs: paths)
            rejected = try OutputFile.open(skipBad.path)
            try rejected?.write(contentsOf: Data((Self.rejectedHeader + "\n").utf8))
        }
        defer { try? rejected?.close() }
        let total = paths.reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0)
        }
        var issues: [Issue] = []
        let started = ContinuousClock.now
        let calendar = try await store.workCalendar(district: district)
        var ingester = self
        if ingester.profile == nil { ingester.profile = try await store.savedProfile(district: district) }
        let satisfied = try await store.satisfiedRatings(district: district)
        for path in paths {
            try ingester.readFile(
                path, directory: UnitDirectory(units), calendar: calendar, spill: spill, report: &report,
                issues: &issues, rejected: rejected, totalBytes: total)
        }
        if !issues.isEmpty { throw ImportFailed(issues) }
        try spill.flush()
        let read = ContinuousClock.now
        report.readSeconds = Self.seconds(read - started)
        var done = try await store.transaction(district: district, commit: true) {
            _ = try await store.ensureDistrict(district, name: districtName)
            return try await merge(spill, report: report, calendar: calendar, satisfied: satisfied)
        }
        done.writeSeconds = Self.seconds(ContinuousClock.now - read)
        return done
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // MARK: - Phase 1: read

    func readFile(
        _ path: String, directory: UnitDirectory, calendar: WorkCalendar, spill: Spill, report: inout IngestReport,
        issues: inout [Issue], rejected: FileHandle?, totalBytes: Int
    ) throws {
        let name = (path as NSString).lastPathComponent
        var source = try ByteSource(path: path)
        let shortBefore = report.shortRows
        var lines = LineSplitter()
        var parser: CaseExportParser? = nil
        var lineNumber = 0
        var gb18030: Bool? = nil
        do {
            while let chunk = try source.next(name) {
                report.bytes += chunk.count
                var complete = lines.feed(chunk)
                if gb18030 == nil {
                    if complete.starts(with: [0xEF, 0xBB, 0xBF]) { complete.removeFirst(3) }
                    gb18030 = String(validating: complete, as: UTF8.self) == nil && !complete.isEmpty
                }
                if gb18030 == true {
                    guard let utf8 = TextDecoding.gb18030ToUTF8(complete) else {
                        throw ImportFailed([Issue(.unknownEncoding, file: name, line: lineNumber + 1)])
                    }
                    complete = utf8
                }
                try consume(
                    complete, name: name, parser: &parser, directory: directory, calendar: calendar,
                    lineNumber: &lineNumber, spill: spill, report: &report, issues: &issues, rejected: rejected)
                if lines.pendingBytes > LineSplitter.maxLine {
                    // Memory stays bounded: a line this long is a file without line breaks or with an open quote.
                    throw ImportFailed([
                        Issue(
                            .notCSV, file: name, line: lineNumber + 1,
                            value: "一行超过 \(LineSplitter.maxLine >> 20) MB 的内容（是否缺少换行符，或有引号未闭合？）")
                    ])
                }
                progress?(IngestProgress(phase: "读取", bytes: report.bytes, totalBytes: totalBytes, rows: report.rows))
            }
            try source.finish(name)
        } catch  where source.isGzip {
            // A damaged .gz often reads as text that is no CSV before its checksum is reached: say what it is.
            if let damaged = source.damage(name) { throw damaged }
            throw error
        }
        let rest = lines.rest
        if !rest.isEmpty {
            let last = gb18030 == true ? (TextDecoding.gb18030ToUTF8(rest) ?? rest) : rest
            // A last line cut short without its line break, where every row before it was whole: a copy or download
            // that stopped, not an export that leaves trailing cells out. The rows that never came cannot be told.
            let (cells, blank) = last.withUnsafeBufferPointer {
                let line = UnsafeBufferPointer(rebasing: $0.prefix { $0 != 0x0D })
                return (CaseExportParser.cells(line), CaseExportParser.isEmptyRow(line))
            }
            let cutHint = "这是最后一行，文件又没有以换行结尾：文件可能不完整（复制或下载中断？），请重新导出或重新复制后再导入"
            var cut: Issue? = nil
            if parser != nil, last.count(where: { $0 == 0x22 }) % 2 == 1 {
                // An open quote at the end of the file: the rest of the line never came.
                cut = Issue(.notCSV, file: name, line: lineNumber + 1, value: "有未闭合的引号")
            } else if let parser, !blank, report.shortRows == shortBefore, cells < parser.width {
                cut = Issue(
                    .wrongCellCount, file: name, line: lineNumber + 1, value: "\(cells)", computed: "\(parser.width)")
            }
            if var cut {
                // An open quote in a file that does end with a line break ran from its line to the end.
                cut.hint =
                    cut.code == .notCSV && last.last == 0x0A
                    ? "引号从这一行起直到文件末尾都没有闭合，请检查这一行的引号" : cutHint
                guard let rejected else { throw ImportFailed([cut]) }
                report.skipped += 1
                Self.reject(cut, row: String(decoding: last, as: UTF8.self), file: name, into: rejected)
                return
            }
            let (issuesBefore, skippedBefore) = (issues.count, report.skipped)
            try consume(
                last + [0x0A], name: name, parser: &parser, directory: directory, calendar: calendar,
                lineNumber: &lineNumber, spill: spill, report: &report, issues: &issues, rejected: rejected)
            // Short like rows before it, so read as one of them; but say what else it may be.
            if let parser, !blank, cells < parser.width {
                if issues.count > issuesBefore {
                    issues[issues.count - 1].hint = [issues[issues.count - 1].hint, cutHint].compactMap { $0 }
                        .joined(separator: "；")
                } else if report.skipped == skippedBefore {
                    report.cutShort.append(name)
                }
            }
        }
        if parser == nil { throw ImportFailed([Issue(.emptyFile, file: name, line: 1)]) }
    }

    /// Reads complete lines (the last one ended by LF): the header when none was read yet, then the rows,
    /// parsed in parallel halves (one per core) whose results join the spill in file order.
    func consume(
        _ bytes: [UInt8], name: String, parser: inout CaseExportParser?, directory: UnitDirectory,
        calendar: WorkCalendar, lineNumber: inout Int, spill: Spill, report: inout IngestReport, issues: inout [Issue],
        rejected: FileHandle?
    ) throws {
        var from = 0
        if parser == nil {
            // The header: the first line that is not blank.
            while from < bytes.count {
                guard let end = bytes[from...].firstIndex(of: 0x0A) else { return }
                let line = String(decoding: bytes[from..<end], as: UTF8.self)
                lineNumber += 1
                from = end + 1
                guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                let header = line.trimmingCharacters(in: .newlines).split(
                    separator: ",", omittingEmptySubsequences: false
                )
                .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\" \r")) }
                do {
                    parser = try CaseExportParser(
                        header: header, directory: directory, file: name, calendar: calendar, profile: profile)
                } catch {
                    throw ImportFailed(error.issues)
                }
                break
            }
        }
        guard let active = parser, from < bytes.count else { return }
        let parts: [Part] = bytes.withUnsafeBufferPointer { all in
            let body = UnsafeBufferPointer(rebasing: all[from...])
            let (cut, linesBefore) = Self.half(body)
            let pieces = [(0..<cut, lineNumber), (cut..<body.count, lineNumber + linesBefore)]
            let results = PartResults(count: pieces.count)
            // The buffer outlives the parallel loop, which returns only when every part is parsed.
            let shared = SharedBytes(body)
            DispatchQueue.concurrentPerform(iterations: pieces.count) { k in
                let (range, first) = pieces[k]
                results.set(
                    k, Self.parse(UnsafeBufferPointer(rebasing: shared.bytes[range]), parser: active, firstLine: first))
            }
            return results.all
        }
        for part in parts {
            lineNumber = part.lastLine
            report.rows += part.rows
            report.shortRows += part.short
            for day in part.order {
                let held = part.days[day]!
                try spill.add(held.records, ids: held.ids, day: day, every: spillEvery)
            }
            for (issue, row) in part.failures {
                if let rejected {
                    report.skipped += 1
                    Self.reject(issue, row: row, file: name, into: rejected)
                } else {
                    issues.append(issue)
                    if issues.count > ImportFailed.listed {
                        throw ImportFailed(issues, stoppedAt: issue)
                    }
                }
            }
        }
    }

    /// Writes a refused row, with where and why, to the `--skip-bad` file.
    static func reject(_ issue: Issue, row: String, file: String, into rejected: FileHandle) {
        let fields = [file, String(issue.line ?? 0), issue.column ?? "", issue.message, row]
        rejected.write(Data((fields.map(CSVTable.field).joined(separator: ",") + "\n").utf8))
    }

    /// The rows of one part of a chunk, in record form by day received, and the rows that failed.
    struct Part: Sendable {
        /// Each day's records, and the hash of each one's case id (for ``CaseIndex``).
        var days: [Int: (records: [UInt8], ids: [UInt64])] = [:]
        var order: [Int] = []
        var rows = 0
        var short = 0
        var failures: [(Issue, String)] = []
        var lastLine = 0

        /// Reads one line (blank lines are skipped) into its day's records, or its failure.
        mutating func read(
            _ line: UnsafeBufferPointer<UInt8>, number: Int, parser: inout CaseExportParser, record: inout [UInt8]
        ) {
            if CaseExportParser.isEmptyRow(line) { return }
            if line.count > LineSplitter.maxRecord {
                // Bounded by design: a case record is a few hundred bytes; a field of a megabyte is no export's.
                let issue = Issue(
                    .notCSV, file: parser.file, line: number,
                    value: "一行超过 \(LineSplitter.maxRecord >> 10) KB，不是办件明细的一行（是否缺少换行符，或有引号未闭合？）")
                failures.append((issue, String(decoding: line.prefix(200), as: UTF8.self) + "…"))
                return
            }
            record.removeAll(keepingCapacity: true)
            switch parser.encode(line, number: number, into: &record) {
            case .success(let day):
                rows += 1
                if days[day] == nil {
                    order.append(day)
                    days[day] = ([], [])
                }
                days[day]!.records += record
                days[day]!.ids.append(record.withUnsafeBufferPointer(CaseIndex.hash(record:)))
            case .failure(let issue):
                failures.append((issue, String(decoding: line, as: UTF8.self)))
            }
        }
    }

    struct SharedBytes: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
    }

    final class PartResults: @unchecked Sendable {
        private var parts: [Part]
        private let lock = NSLock()
        init(count: Int) { parts = Array(repeating: Part(), count: count) }
        func set(_ k: Int, _ part: Part) { lock.withLock { parts[k] = part } }
        var all: [Part] { lock.withLock { parts } }
    }

    /// Where to cut lines in two near the middle (after a line break outside quotes), and how many physical
    /// lines come before the cut.
    static func half(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        if let base = b.baseAddress, b.count > 0, memchr(base, 0x22, b.count) == nil {
            // No quotes (the usual export): the first line break after the middle, and the breaks before it.
            guard let hit = memchr(base + b.count / 2, 0x0A, b.count - b.count / 2) else {
                return (b.count, Self.lines(b))
            }
            let cut = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
            return (cut, Self.lines(UnsafeBufferPointer(rebasing: b[..<cut])))
        }
        var quoted = false
        var lines = 0
        var i = 0
        while i < b.count {
            let x = b[i]
            if x == 0x22 {
                quoted.toggle()
            } else if x == 0x0A {
                lines += 1
                if !quoted && i >= b.count / 2 { return (i + 1, lines) }
            }
            i += 1
        }
        return (b.count, lines)
    }

    /// How many line breaks `b` holds.
    static func lines(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard var p = b.baseAddress else { return 0 }
        var left = b.count
        var n = 0
        while left > 0, let hit = memchr(p, 0x0A, left) {
            let next = hit.assumingMemoryBound(to: UInt8.self) + 1
            left -= p.distance(to: next)
            p = UnsafePointer(next)
            n += 1
        }
        return n
    }

    /// Parses lines ended by LF; a line break inside quotes continues the line (and counts as a line). Line
    /// numbers start after `firstLine`. Line breaks are found with `memchr`; quote parity is tracked only in a
    /// chunk that has a quote at all, which exports rarely do.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, parser: CaseExportParser, firstLine: Int) -> Part {
        var parser = parser
        var part = Part()
        part.lastLine = firstLine
        guard let base = b.baseAddress, b.count > 0 else { return part }
        var record: [UInt8] = []
        record.reserveCapacity(256)
        let hasQuotes = memchr(base, 0x22, b.count) != nil
        var lineNumber = firstLine
        var start = 0  // where the current (logical) line starts
        var scan = 0  // where the search for the next line break starts
        var quoted = false
        while scan < b.count, let hit = memchr(base + scan, 0x0A, b.count - scan) {
            let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            lineNumber += 1
            if hasQuotes { for k in scan..<i where b[k] == 0x22 { quoted.toggle() } }
            scan = i + 1
            if quoted { continue }
            var end = i
            if end > start, b[end - 1] == 0x0D { end -= 1 }
            part.read(
                UnsafeBufferPointer(rebasing: b[start..<end]), number: lineNumber, parser: &parser, record: &record)
            start = i + 1
        }
        part.lastLine = lineNumber
        part.short = parser.shortRows
        return part
    }

    // MARK: - Phase 2: merge

    func merge(_ spill: Spill, report: IngestReport, calendar: WorkCalendar, satisfied: Set<Int>) async throws
        -> IngestReport
    {
        var report = report
        var delta = CaseTotals()
        var done = 0
        typealias Merged = (
            partition: [UInt8], count: Int, delta: CaseTotals, added: Int, updated: Int, unchanged: Int, crossUnit: Int,
            removed: Int
        )
        // Cases arriving under another received day than the one they are held under: which day keeps each.
        let moves = try await relocate(spill)
        var crossUnit = moves.crossUnit
        // A day's buckets are read in one statement, merged on another core while the day before is written, and
        // written in one statement: the cost per partition is the merge alone, not three statements and a task.
        var pending: (day: Int, task: Task<[(bucket: Int, merged: Merged)], Error>)? = nil
        var touchedDays: Set<Int> = []
        func write(_ day: Int, _ merged: [(bucket: Int, merged: Merged)]) async throws {
            var changed: [(bucket: Int, count: Int, bytes: [UInt8])] = []
            var emptied: [Int] = []
            for (bucket, m) in merged {
                crossUnit += m.crossUnit
                report.unchanged += m.unchanged
                report.added += m.added
                report.updated += m.updated
                done += m.added + m.updated + m.unchanged
                guard m.added + m.updated + m.removed > 0 else { continue }
                delta.add(m.delta)
                if m.count == 0 { emptied.append(bucket) } else { changed.append((bucket, m.count, m.partition)) }
            }
            progress?(IngestProgress(phase: "合并", bytes: done, totalBytes: report.rows, rows: done))
            guard !changed.isEmpty || !emptied.isEmpty else { return }
            touchedDays.insert(day)
            try await store.writeCasePartitions(district: district, day: day, changed)
            try await store.deleteCasePartitions(district: district, day: day, buckets: emptied)
        }
        // Days with nothing stored yet (a first ingest, a new day) are not read at all.
        var storedDays: Set<Int> = []
        if let lo = spill.days.min(), let hi = spill.days.max() {
            storedDays = Set(try await store.casePartitionDays(district: district, in: lo...hi))
        }
        for day in Set(spill.days).union(moves.drop.keys).sorted() {
            let buckets: [(records: [UInt8], count: Int)]
            do { buckets = try CasePartition.split(try spill.blocks(day)) } catch {
                throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)")
            }
            let stored =
                storedDays.contains(day) || moves.drop[day] != nil
                ? try await store.casePartitions(district: district, day: day) : [:]
            let drop = Dictionary(grouping: moves.drop[day] ?? []) { id in
                id.withUnsafeBufferPointer(CasePartition.bucket)
            }
            // Bounded across ingests too: a day is merged in memory with what is stored of it. (Twice the limit of
            // one file's day, so that a full day's export can be ingested again.)
            let dayBytes = stored.values.reduce(0) { $0 + $1.count } + buckets.reduce(0) { $0 + $1.records.count }
            if dayBytes > 2 * Spill.maxDayBytes {
                throw ImportFailed([
                    Issue(
                        .ingestTooLarge,
                        value: "受理日 \(CaseState.day(number: day)) 已存的和新导入的办件合计超过 \((2 * Spill.maxDayBytes) >> 20) MB，"
                            + "超出一天的上限；请检查是否多次导入了内容不同的同一天导出，或多个区县的导出混在一起")
                ])
            }
            let district = self.district
            let task = Task.detached { () throws -> [(bucket: Int, merged: Merged)] in
                var out: [(bucket: Int, merged: Merged)] = []
                for (bucket, incoming) in buckets.enumerated() where incoming.count > 0 || drop[bucket] != nil {
                    let block = CasePartition.block(incoming.records, count: incoming.count)
                    do {
                        out.append(
                            (
                                bucket,
                                try CasePartition.merge(
                                    stored: stored[bucket], incoming: [block], calendar: calendar, satisfied: satisfied,
                                    drop: Set(drop[bucket] ?? []))
                            ))
                    } catch {
                        throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)/\(bucket)")
                    }
                }
                return out
            }
            if let p = pending { try await write(p.day, try await p.task.value) }
            pending = (day, task)
        }
        if let p = pending { try await write(p.day, try await p.task.value) }
        if !moves.hashes.isEmpty { try await settleIndex(moves) }
        // A case moved from one day to another is an update, not an addition.
        report.added -= moves.moved
        report.updated += moves.moved
        (report.moved, report.keptDay) = (moves.moved, moves.kept)
        report.days = touchedDays.count
        let keys = Set(delta.figures.filter { !$0.value.isZero }.keys).union(delta.days.keys).union(delta.scopes.keys)
        // The other unit is not named: a reporter would learn which unit any case number belongs to. A record of a
        // case held under another unit is refused whichever state wins the merge: if it lost, it would be dropped
        // without a word, and "unchanged" would tell the reporter the case exists.
        if let onlyUnit, crossUnit > 0 || keys.contains(where: { $0.unit != onlyUnit }) {
            throw ImportFailed([
                Issue(
                    .unitNotAllowed, unit: onlyUnit,
                    value: "办件明细中有编号已属于其他单位的办件；填报员只能报送本单位（\(onlyUnit)）的办件")
            ])
        }
        let periods = Set(keys.map(\.period))
        report.periods = periods.sorted()
        let frozen = try await store.frozenPeriods(district: district, periods)
        if !frozen.isEmpty {
            throw ImportFailed(frozen.sorted().map { Issue(.periodPublished, period: $0.description) })
        }
        let monthly = Set(keys.map { UnitMonth(period: $0.period, unit: $0.unit) })
        let clash = try await store.unitMonthsWithCases(district: district, monthly)
        if !clash.isEmpty {
            throw ImportFailed(
                clash.sorted().map { Issue(.recordsAndCases, period: $0.period.description, unit: $0.unit) })
        }
        var totals = try await store.caseTotals(district: district, periods: periods)
        let before = totals
        totals.add(delta)
        var changed = CaseTotals()
        for k in keys {
            changed.figures[k] = totals.figures[k] ?? CaseTotals.Figures()
            changed.days[k] = totals.days[k] ?? [:]
            changed.scopes[k] = totals.scopes[k] ?? [:]
        }
        try await store.replaceCaseTotals(district: district, changed)
        report.changes = try await audit(before: before, after: totals, keys: keys)
        return report
    }

    /// One audit entry per changed monthly figure of a unit (not per case: an export has millions:
    /// ``SQLStore/changedFigures(before:after:_:)``); the first ``TableWrite/listedChanges`` of them are returned,
    /// for the import's answer.
    func audit(before: CaseTotals, after: CaseTotals, keys: Set<CaseTotals.Key>) async throws -> [AuditEntry] {
        let entries = keys.sorted().flatMap { SQLStore.changedFigures(before: before, after: after, $0) }
        try await store.appendAudits(district: district, change: change, entries)
        let at = SQLStore.timestamp(change.at)
        return entries.prefix(TableWrite.listedChanges).map {
            AuditEntry(
                at: at, actor: change.actor, source: change.source, table: $0.table, key: $0.key, column: $0.column,
                old: $0.old, new: $0.new)
        }
    }
}
