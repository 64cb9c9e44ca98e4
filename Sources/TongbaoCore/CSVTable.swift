import Foundation

/// A parsed CSV file: a header and records, each with the line it starts on.
public struct CSVTable: Sendable {
    public struct Record: Sendable {
        /// 1-based physical line number where the record starts.
        public var line: Int
        public var cells: [String]
    }

    public var header: [String]
    public var records: [Record]

    /// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). Blank lines are skipped.
    public static func parse(_ text: String) -> Result<CSVTable, CSVError> {
        var rows: [Record] = []
        var cells: [String] = []
        var cell = ""
        var inQuotes = false
        var wasQuoted = false
        var line = 1
        var recordLine = 1
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endCell() {
            cells.append(wasQuoted ? cell : cell.trimmingCharacters(in: .whitespaces))
            cell = ""
            wasQuoted = false
        }
        func endRecord() {
            endCell()
            if !(cells.count == 1 && cells[0].isEmpty) { rows.append(Record(line: recordLine, cells: cells)) }
            cells = []
        }

        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" {
                            cell.unicodeScalars.append("\"")
                        } else {
                            inQuotes = false
                            pending = n
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    cell.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                if cell.trimmingCharacters(in: .whitespaces).isEmpty {
                    cell = ""
                    inQuotes = true
                    wasQuoted = true
                } else {
                    cell.unicodeScalars.append(c)
                }
            case ",": endCell()
            case "\r":
                if let n = chars.next(), n != "\n" { pending = n }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default: cell.unicodeScalars.append(c)
            }
        }
        if inQuotes { return .failure(.unterminatedQuote(line: recordLine)) }
        if !cell.isEmpty || !cells.isEmpty { endRecord() }
        guard let first = rows.first else { return .failure(.empty) }
        return .success(CSVTable(header: first.cells, records: Array(rows.dropFirst())))
    }
}

public enum CSVError: Error, Equatable {
    case empty
    case unterminatedQuote(line: Int)
}
