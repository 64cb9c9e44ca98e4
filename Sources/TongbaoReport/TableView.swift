import Foundation

/// A table ready to render: a grid in which spanning cells cover their neighbours.
public struct TableView: Sendable {
    public struct Cell: Sendable {
        public var text: String
        /// Spans, nil when 1 (stored, as templates read stored properties only).
        public var colspan: Int? = nil
        public var rowspan: Int? = nil
        /// Covered by a spanning cell: HTML skips it, Markdown prints it empty.
        public var covered = false
        public var numeric = false
    }

    public struct Row: Sendable {
        public var cells: [Cell]
        /// A total row (合计, 今年累计): printed bold.
        public var total = false
    }

    public var title: String
    public var header: [Row]
    public var body: [Row]
    /// A note printed under the table.
    public var note: String?
}

/// Builds a table grid row by row, placing spans and their covered cells.
struct GridBuilder {
    private(set) var rows: [[TableView.Cell?]] = []
    private var cursor = 0
    let width: Int

    init(width: Int) { self.width = width }

    /// Appends a row; cells are (text, colspan, rowspan) and skip positions covered by earlier rowspans.
    mutating func add(_ cells: [(String, Int, Int)], numericFrom: Int = Int.max) {
        let r = cursor
        cursor += 1
        while rows.count <= r { rows.append(Array(repeating: nil, count: width)) }
        var c = 0
        for (text, colspan, rowspan) in cells {
            while c < width, rows[r][c] != nil { c += 1 }
            guard c < width else { break }
            rows[r][c] = TableView.Cell(
                text: text, colspan: colspan > 1 ? colspan : nil, rowspan: rowspan > 1 ? rowspan : nil,
                numeric: c >= numericFrom)
            for dr in 0..<rowspan {
                while rows.count <= r + dr { rows.append(Array(repeating: nil, count: width)) }
                for dc in 0..<colspan where dr > 0 || dc > 0 {
                    if c + dc < width { rows[r + dr][c + dc] = TableView.Cell(text: "", covered: true) }
                }
            }
            c += colspan
        }
    }

    mutating func add(texts: [String], numericFrom: Int) {
        add(texts.map { ($0, 1, 1) }, numericFrom: numericFrom)
    }

    func build(total: Set<Int> = []) -> [TableView.Row] {
        rows.enumerated().map { i, cells in
            TableView.Row(cells: cells.map { $0 ?? TableView.Cell(text: "") }, total: total.contains(i))
        }
    }
}
