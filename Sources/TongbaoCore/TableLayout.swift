import Foundation

/// How a table sits in a file as offices make them: title rows above, a header over one or two rows (merged
/// parent cells over their children), columns without figures, 合计 rows and signature lines below.
///
/// Found from the cells alone, so a CSV file and a worksheet are read alike. ``PackageParser`` reads the rows it
/// names as data with the columns it maps.
public struct TableLayout: Sendable {
    public var table: PackageTable
    /// Index in the grid of the header's first row, and how many rows it spans (1 or 2).
    public var headerStart: Int
    public var headerDepth: Int
    /// Per column: the header as shown (`接件数量（件）／即办`) and what it is (nil: not understood).
    public var headers: [String]
    public var roles: [ColumnRole?]
    /// Whether the file's or sheet's name named the table (otherwise its columns did).
    public var named: Bool

    public init(
        table: PackageTable, headerStart: Int, headerDepth: Int, headers: [String], roles: [ColumnRole?], named: Bool
    ) {
        self.table = table
        self.headerStart = headerStart
        self.headerDepth = headerDepth
        self.headers = headers
        self.roles = roles
        self.named = named
    }

    /// Column name → index of the column holding it.
    public var index: [String: Int] {
        var out: [String: Int] = [:]
        for (i, role) in roles.enumerated() { if case .field(let name)? = role, out[name] == nil { out[name] = i } }
        return out
    }

    /// Columns with a header that means nothing in the table.
    public var unknown: [Int] { roles.indices.filter { roles[$0] == nil && !headers[$0].isEmpty } }

    /// Columns named twice.
    public var duplicates: [Int] {
        var seen = Set<String>()
        return roles.indices.filter { i in
            guard case .field(let name)? = roles[i] else { return false }
            return !seen.insert(name).inserted
        }
    }

    /// Required columns of the table that no header names.
    public var missing: [PackageTable.Column] {
        let have = index
        return table.columns.filter { $0.required && have[$0.name] == nil }
    }

    var fields: Int { index.count }
    var fits: Bool { unknown.isEmpty && duplicates.isEmpty && missing.isEmpty }

    /// Rows below the header (grid indices).
    public var dataStart: Int { headerStart + headerDepth }

    // MARK: - Finding the header

    /// How many rows from the top a header may start at (title rows, a unit line, a blank row).
    public static let searchRows = 15

    /// The layout that explains the rows best: a fitting header with the most known columns, preferring the
    /// named table. Without `named`, a table fits only with at least three known columns (so a stray file with
    /// a 月份 column is no table). Nil when no row looks like a header of any table.
    public static func find(_ rows: [[String]], named: PackageTable?) -> TableLayout? {
        var best: (score: Int, layout: TableLayout)?
        let tables = named.map { [$0] } ?? PackageTable.allCases
        for start in rows.indices.prefix(searchRows) where rows[start].contains(where: { !$0.trimmed.isEmpty }) {
            for depth in 1...2 where start + depth <= rows.count {
                let (headers, pairs) = headerTexts(rows[start..<(start + depth)].map { $0 })
                if depth == 2 && pairs == 0 { continue }
                for table in tables {
                    let roles = Self.oneUnitColumn(headers.indices.map { roleOf(headers, $0, table) }, headers)
                    let layout = TableLayout(
                        table: table, headerStart: start, headerDepth: depth, headers: headers.map(\.shown),
                        roles: roles, named: named != nil)
                    guard named != nil || layout.fields >= min(3, table.columns.count) else { continue }
                    let score =
                        (layout.fits ? 10_000 : 0) + layout.fields * 100 - layout.unknown.count * 50
                        - layout.missing.count * 50 - depth
                    if score > (best?.score ?? Int.min) { best = (score, layout) }
                }
            }
        }
        return best?.layout
    }

    /// A header cell: the shown text, and the text its meaning is read from (parent and child joined).
    struct HeaderText {
        var shown: String
        var parent: String
        var child: String
    }

    /// The header texts of one or two rows. A parent cell merged across its children is written once, in its
    /// first column: children to its right with an empty parent take it too. Returns how many columns have a
    /// child under a parent (0 means the second row adds nothing).
    static func headerTexts(_ rows: [[String]]) -> ([HeaderText], Int) {
        let width = rows.map { $0.lastIndex { !$0.trimmed.isEmpty }.map { $0 + 1 } ?? 0 }.max() ?? 0
        func cell(_ r: Int, _ c: Int) -> String {
            c < rows[r].count ? rows[r][c].trimmed : ""
        }
        guard rows.count == 2 else {
            let h = (0..<width).map { HeaderText(shown: cell(0, $0), parent: "", child: cell(0, $0)) }
            return (h, width)
        }
        var out: [HeaderText] = []
        var group: String? = nil
        var pairs = 0
        for c in 0..<width {
            var parent = cell(0, c)
            let child = cell(1, c)
            if !parent.isEmpty {
                group = child.isEmpty ? nil : parent
            } else if !child.isEmpty, let g = group {
                parent = g
            }
            if parent.isEmpty || child.isEmpty {
                out.append(HeaderText(shown: parent + child, parent: "", child: parent + child))
            } else {
                pairs += 1
                out.append(HeaderText(shown: parent + "／" + child, parent: parent, child: child))
            }
        }
        return (out, pairs)
    }

    /// Sheets often give a unit both by code and by name (单位编码, 单位名称): the code is read, the name left
    /// out; of two names (部门, 窗口名称) the first.
    static func oneUnitColumn(_ roles: [ColumnRole?], _ headers: [HeaderText]) -> [ColumnRole?] {
        let units = roles.indices.filter { roles[$0] == .field("unit") }
        guard units.count > 1 else { return roles }
        let code = units.first {
            HeaderVocabulary.unitCodeNames.contains(HeaderVocabulary.normalise(headers[$0].shown))
        }
        let kept = code ?? units[0]
        var out = roles
        for i in units where i != kept { out[i] = .ignored }
        return out
    }

    static func roleOf(_ headers: [HeaderText], _ i: Int, _ table: PackageTable) -> ColumnRole? {
        let h = headers[i]
        if h.child.isEmpty { return nil }
        if h.parent.isEmpty { return HeaderVocabulary.role(h.child, in: table) }
        return HeaderVocabulary.role(h.parent + h.child, in: table)
            // A parent over a plain column name (基本信息 over 单位) adds nothing.
            ?? HeaderVocabulary.role(h.child, in: table).flatMap { role -> ColumnRole? in
                if case .field = role { return role }
                return nil
            }
    }
}
