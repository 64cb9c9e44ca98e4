import Foundation

extension PackageFile {
    /// A package file written from cells, as the web form and the API hand their edits to the importer: the same
    /// parser, checks, freezing and audit as an uploaded file.
    public static func csv(_ table: PackageTable, header: [String], rows: [[String]]) -> PackageFile {
        let lines = ([header] + rows).map { $0.map(CSVTable.field).joined(separator: ",") }
        return PackageFile(name: table.fileName, data: Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
