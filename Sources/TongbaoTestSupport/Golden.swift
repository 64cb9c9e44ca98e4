import Foundation

/// Golden files: committed expected output, re-recorded with `TONGBAO_RECORD=1` and reviewed in the diff.
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["TONGBAO_RECORD"] == "1" }

    /// Compares `actual` with the committed file (path relative to the repository root); records it when asked.
    /// Returns nil when they match, else a description of the first differing line.
    public static func check(_ actual: String, against path: String) throws -> String? {
        let url = Fixtures.root.appendingPathComponent(path)
        if recording {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return "missing golden file \(path); run the tests with TONGBAO_RECORD=1"
        }
        if expected == actual { return nil }
        let (e, a) = (expected.components(separatedBy: "\n"), actual.components(separatedBy: "\n"))
        let i = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        return
            "\(path):\(i + 1) differs\n  expected: \(i < e.count ? e[i] : "<end>")\n  actual:   \(i < a.count ? a[i] : "<end>")"
    }
}
