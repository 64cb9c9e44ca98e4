import Foundation

/// What a chart shows, apart from how it is drawn: the SVG of the HTML and the native chart of the DOCX are both
/// drawn from it.
public struct ChartData: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Points joined by a line; a missing value leaves a gap.
        case line
        /// Vertical bars, series side by side.
        case column
        /// Horizontal bars, first category on top.
        case bar
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var values: [Int?]
        /// `RRGGBB`.
        public var color: String
        /// Colours of single points that differ from the series colour (the top three of a ranking).
        public var pointColors: [Int: String] = [:]
    }

    public var kind: Kind
    public var categories: [String]
    public var series: [Series]
    /// Print each value by its point or bar.
    public var valueLabels: Bool
}
