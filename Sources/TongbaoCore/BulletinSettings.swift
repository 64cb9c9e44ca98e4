import Foundation

/// Settings of the bulletin and its plausibility checks that a district may change.
public struct BulletinSettings: Sendable, Equatable {
    /// How many top departments the centre ranking names (前N位).
    public var topCount: Int
    /// A unit whose completed cases change by more than this factor against last month is flagged (W104).
    public var changeFactor: Double
    /// Months where both this month and last month stay below this count are not flagged (W104).
    public var changeFloor: Int

    public init(topCount: Int = 10, changeFactor: Double = 3, changeFloor: Int = 50) {
        self.topCount = topCount
        self.changeFactor = changeFactor
        self.changeFloor = changeFloor
    }
}
