import Foundation

/// A spreadsheet as Tongbao writes and reads it: sheets of typed cells, merges and column widths.
public struct Workbook: Sendable, Equatable {
    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The sheet with this name, if any.
    public subscript(name: String) -> Sheet? { sheets.first { $0.name == name } }
}

/// One worksheet. `rows[r][c]` is the cell at row r + 1, column c + 1.
public struct Sheet: Sendable, Equatable {
    public var name: String
    public var rows: [[SheetCell]]
    public var merges: [CellRange]
    /// Column widths in characters; columns past the end take the default.
    public var columnWidths: [Double]
    /// Rows kept in view when scrolling (the header).
    public var frozenRows: Int

    public init(
        name: String, rows: [[SheetCell]] = [], merges: [CellRange] = [], columnWidths: [Double] = [],
        frozenRows: Int = 0
    ) {
        self.name = name
        self.rows = rows
        self.merges = merges
        self.columnWidths = columnWidths
        self.frozenRows = frozenRows
    }

    /// Puts `cell` at 1-based row and column, growing the grid as needed.
    public mutating func set(_ cell: SheetCell, row: Int, column: Int) {
        while rows.count < row { rows.append([]) }
        while rows[row - 1].count < column { rows[row - 1].append(SheetCell(.empty)) }
        rows[row - 1][column - 1] = cell
    }

    /// The cell at 1-based row and column; empty outside the grid.
    public func cell(row: Int, column: Int) -> SheetCell {
        guard row >= 1, row <= rows.count, column >= 1, column <= rows[row - 1].count else { return SheetCell(.empty) }
        return rows[row - 1][column - 1]
    }
}

/// A cell: a value and how it looks.
public struct SheetCell: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case empty
        case text(String)
        case number(Double)
        case bool(Bool)
        /// A number shown as a date: days since 1899-12-30 (Excel's serial).
        case date(Double)
        /// A formula's error result (`#DIV/0!`).
        case error(String)
        /// A formula saved without its result (a program that does not calculate wrote it).
        case formula(String)
    }

    public var value: Value
    public var style: CellStyle

    public init(_ value: Value, _ style: CellStyle = .plain) {
        self.value = value
        self.style = style
    }

    public static func text(_ s: String, _ style: CellStyle = .plain) -> SheetCell {
        SheetCell(s.isEmpty ? .empty : .text(s), style)
    }
    public static func number(_ v: Double, _ style: CellStyle = .number) -> SheetCell { SheetCell(.number(v), style) }
}

/// The few looks Tongbao's sheets use; each maps to one entry of the workbook's style table.
public enum CellStyle: Int, Sendable, CaseIterable {
    case plain, title, header, text, number, totalText, totalNumber
    /// A cell for the reporter to fill (shaded), holding a number.
    case input
    /// A cell kept as text by Excel (a period such as 2021-07 would otherwise become a date).
    case textInput
    case note
}

/// A rectangle of cells, 1-based and inclusive.
public struct CellRange: Sendable, Equatable {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int

    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// `B2:D3`.
    public var reference: String {
        CellReference.name(row: top, column: left) + ":" + CellReference.name(row: bottom, column: right)
    }
}

/// A1-style cell names.
public enum CellReference {
    /// `A`, `Z`, `AA` for 1, 26, 27.
    public static func letters(_ column: Int) -> String {
        var n = column
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    public static func name(row: Int, column: Int) -> String { letters(column) + String(row) }

    /// (row, column) of `B12`, 1-based; nil when malformed.
    public static func parse(_ ref: String) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var seenDigit = false
        for u in ref.utf8 {
            switch u {
            case 0x41...0x5A where !seenDigit: column = column * 26 + Int(u - 0x40)
            case 0x61...0x7A where !seenDigit: column = column * 26 + Int(u - 0x60)
            case 0x24: continue  // $ of an absolute reference
            case 0x30...0x39:
                seenDigit = true
                row = row * 10 + Int(u - 0x30)
            default: return nil
            }
        }
        return column > 0 && row > 0 ? (row, column) : nil
    }
}
