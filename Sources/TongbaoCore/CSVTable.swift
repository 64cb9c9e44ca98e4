import Foundation

/// A parsed CSV file: a header and records, each with the line it starts on.
public struct CSVTable: Sendable {
    public struct Record: Sendable {
        /// 1-based physical line number where the record starts.
        public var line: Int
        public var cells: [String]
        public init(line: Int, cells: [String]) {
            self.line = line
            self.cells = cells
        }
    }

    public var header: [String]
    public var records: [Record]
    /// The line the header is on (blank lines before it are skipped).
    public var headerLine = 1

    /// The header and the records, each with its line: the grid a ``TableLayout`` is found in.
    public var rows: [Record] { [Record(line: headerLine, cells: header)] + records }

    /// One field as RFC 4180 writes it: quoted (inner quotes doubled) when it holds a comma, a quote or a line break.
    /// A cell of a CSV people open in Excel or WPS: a text starting with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return would run as a formula, so it gets a leading `'` (shown as text). Figures written by Tongbao itself
    /// (numbers, dates) never start so.
    public static func spreadsheetField(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return field(s) }
        return field("'" + s)
    }

    public static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Cells a record may have, and bytes a record may span, before the file is refused (``CSVError/tooWide(line:)``).
    public static let maxCells = 1_000
    public static let maxRecordBytes = 1 << 20
    /// Cells a whole file may have (about 400,000 case records of 13 columns): a package file held in memory
    /// stays near 100 MB. A platform's larger export goes through `tongbao ingest`, which streams.
    public static let maxTotalCells = 5_000_000

    /// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). Blank lines are skipped; unquoted cells
    /// are trimmed. Works on the UTF-8 bytes: every delimiter is ASCII, so cells split at character boundaries.
    public static func parse(_ text: String) -> Result<CSVTable, CSVError> {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<CSVTable, CSVError> {
        let (quote, comma, cr, lf): (UInt8, UInt8, UInt8, UInt8) = (0x22, 0x2C, 0x0D, 0x0A)
        var rows: [Record] = []
        var cells: [String] = []
        var buffer: [UInt8] = []
        var line = 1
        var recordLine = 1
        var recordStart = 0
        var i = 0
        let n = bytes.count

        /// The index of the next comma or line end at or after `j`.
        func delimiter(from j: Int) -> Int {
            var j = j
            while j < n, bytes[j] != comma, bytes[j] != cr, bytes[j] != lf { j += 1 }
            return j
        }
        var total = 0
        func endRecord() {
            if !(cells.count == 1 && cells[0].isEmpty) {
                rows.append(Record(line: recordLine, cells: cells))
                total += cells.count
            }
            cells = []
        }

        while i < n {
            // One cell starts at i.
            var start = i
            while start < n, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            if start < n, bytes[start] == quote {
                let quotedLine = line
                buffer.removeAll(keepingCapacity: true)
                var j = start + 1
                var closed = false
                while j < n {
                    let b = bytes[j]
                    if b == quote {
                        if j + 1 < n, bytes[j + 1] == quote {
                            buffer.append(quote)
                            j += 2
                            continue
                        }
                        closed = true
                        j += 1
                        break
                    }
                    if b == lf { line += 1 }
                    buffer.append(b)
                    j += 1
                }
                if !closed { return .failure(.unterminatedQuote(line: quotedLine)) }
                // Anything between the closing quote and the delimiter is kept, as a lenient reader would.
                let tail = j
                j = delimiter(from: j)
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[tail..<j]))
                cells.append(String(decoding: buffer, as: UTF8.self))
                i = j
            } else {
                let j = delimiter(from: start)
                var end = j
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
                let cell = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                cells.append(start == end ? "" : cell.trimmed)
                i = j
            }
            // Bounded by design: a record of a million empty cells is refused, not read.
            if cells.count > maxCells || i - recordStart > maxRecordBytes {
                return .failure(.tooWide(line: recordLine))
            }
            if total > maxTotalCells { return .failure(.tooLarge(line: recordLine)) }
            // After a cell: a comma, an end of line, or the end of the text.
            if i >= n {
                endRecord()
                break
            }
            let b = bytes[i]
            i += 1
            if b == comma {
                if i >= n {
                    cells.append("")
                    endRecord()
                }
                continue
            }
            if b == cr, i < n, bytes[i] == lf { i += 1 }
            endRecord()
            line += 1
            recordLine = line
            recordStart = i
        }
        guard let first = rows.first else { return .failure(.empty) }
        return .success(CSVTable(header: first.cells, records: Array(rows.dropFirst()), headerLine: first.line))
    }
}

public enum CSVError: Error, Equatable {
    case empty
    case unterminatedQuote(line: Int)
    /// A record past ``CSVTable/maxCells`` cells or ``CSVTable/maxRecordBytes`` bytes: no table of a package is
    /// that wide, and reading on would only fill memory (a file of commas).
    case tooWide(line: Int)
    /// A file past ``CSVTable/maxTotalCells`` cells.
    case tooLarge(line: Int)
}
