import Foundation

extension PackageParser {
    static let yesNo: [String: Bool] = [
        "yes": true, "no": false, "是": true, "否": false, "y": true, "n": false, "true": true, "false": false,
        "1": true, "0": false,
    ]
    static let categories: [String: CaseRecord.Category] = [
        "审批": .approval, "审批类": .approval, "approval": .approval, "服务": .service, "服务类": .service,
        "service": .service,
    ]
    static let kinds: [String: CaseRecord.Kind] = [
        "即办": .immediate, "即办件": .immediate, "immediate": .immediate, "承诺": .promised, "承诺件": .promised,
        "promised": .promised,
    ]

    /// Reads one record of `table` into `pkg`; returns the row's key for duplicate detection.
    func readRow(
        _ table: PackageTable, _ r: inout RowReader, into pkg: inout DataPackage, directory: UnitDirectory,
        rubric: [Criterion]
    ) -> String? {
        switch table {
        case .units: return readUnit(&r, into: &pkg)
        case .cases:
            let period = r.period()
            let unit = r.unit(in: directory)
            let row = CaseRow(
                period: period ?? Period(year: 2000, month: 1), unit: unit ?? "",
                recvImmediate: r.count("recv_immediate"), recvPromised: r.count("recv_promised"),
                doneImmediate: r.count("done_immediate"), donePromised: r.count("done_promised"),
                ytdRecv: r.count("ytd_recv"), ytdDone: r.count("ytd_done"), proxy: r.count("proxy"))
            guard let period, let unit else { return nil }
            pkg.cases.append(row)
            return "\(period) \(unit)"
        case .caseRecords: return readCaseRecord(&r, into: &pkg, directory: directory)
        case .tongban:
            let period = r.period()
            let unit = r.unit(in: directory)
            let scope = r.required("scope").flatMap { r.fits($0, "scope") ? $0 : nil }
            let count = r.count("count")
            let ytd = r.count("ytd")
            guard let period, let unit, let scope else { return nil }
            pkg.tongban.append(TongbanRow(period: period, unit: unit, scope: scope, count: count, ytd: ytd))
            return "\(period) \(unit) \(scope)"
        case .ancillary:
            let period = r.period()
            let service = r.required("service").flatMap { r.fits($0, "service", limit: 200) ? $0 : nil }
            let count = r.count("count")
            let ytd = r.count("ytd")
            guard let period, let service else { return nil }
            pkg.ancillary.append(AncillaryRow(period: period, service: service, count: count, ytd: ytd))
            return "\(period) \(service)"
        case .rubric:
            let code = r.required("code").flatMap { r.fits($0, "code") ? $0 : nil }
            let name = r.required("name").flatMap { r.fits($0, "name", limit: 100) ? $0 : nil }
            let section = r.short("section")
            let max = r.decimal("max")
            if max == nil && r.text("max") == nil { r.fail(.missingValue, "max") }
            let order = r.count("order") ?? r.line
            guard let code, let name, let max else { return nil }
            pkg.rubric.append(Criterion(code: code, section: section, name: name, max: max, order: order))
            return code
        case .evaluation: return readScore(&r, into: &pkg, directory: directory, rubric: rubric)
        case .events:
            let date = r.day("date")
            let text = r.required("text").flatMap { r.fits($0, "text", limit: 2_000) ? $0 : nil }
            if date == nil && r.text("date") == nil { r.fail(.missingValue, "date") }
            guard let date, let text else { return nil }
            pkg.events.append(Event(date: date, text: text))
            return "\(date) \(text)"
        case .figures:
            let period = r.period()
            // `departments.ytd_tongban:` and a scope of at most 64 characters.
            let keyText = r.required("key").flatMap { r.fits($0, "key", limit: 100) ? $0 : nil }
            let value = r.decimal("value")
            var key: FigureKey? = nil
            if let keyText {
                key = FigureKey(parsing: keyText)
                if key == nil { r.fail(.unknownFigureKey, "key", value: keyText) }
            }
            guard let period, let key else { return nil }
            pkg.figures.append(Figure(period: period, key: key, value: value, note: r.text("note")))
            return "\(period) \(key)"
        case .meta:
            let period = r.period()
            let issue = r.count("issue")
            let date = r.day("date")
            let excellent = r.count("excellent")
            guard let period else { return nil }
            pkg.meta.append(
                Meta(
                    period: period, title: r.text("title"), issue: issue, issuer: r.text("issuer"), date: date,
                    lead: r.text("lead"), excellent: excellent))
            return period.description
        }
    }

    func readUnit(_ r: inout RowReader, into pkg: inout DataPackage) -> String? {
        let code = r.required("code").flatMap { r.fits($0, "code") ? $0 : nil }
        let name = r.required("name").flatMap { r.fits($0, "name") ? $0 : nil }
        let window = r.short("window")
        let groups = Self.list(r.text("groups")).filter { r.fits($0, "groups") }
        let aliases = Self.list(r.text("aliases")).filter { r.fits($0, "aliases") }
        var tier: Tier? = nil
        if let t = r.required("tier") {
            tier = Tier(parsing: t)
            if tier == nil { r.fail(.unknownTier, "tier", value: t) }
        }
        var ranked = true
        if let s = r.text("ranked") {
            if let b = Self.yesNo[s.lowercased()] { ranked = b } else { r.fail(.notYesNo, "ranked", value: s) }
        }
        let order = r.count("order")
        var from: Period? = nil
        if let text = r.text("from") {
            from = Period(cell: text)
            if from == nil { r.fail(.malformedPeriod, "from", value: text) }
        }
        guard let code, let name, let tier else { return nil }
        // Without an order a new unit goes after the last of its tier and window; a stored one keeps its own.
        if order == nil { pkg.absent[.units, default: [:]][code, default: []].insert("order") }
        if let from { pkg.unitsFrom[code] = from }
        pkg.units.append(
            OrgUnit(
                code: code, name: name, tier: tier, window: window, groups: groups, aliases: aliases, ranked: ranked,
                order: order ?? r.line))
        return code
    }

    func readCaseRecord(_ r: inout RowReader, into pkg: inout DataPackage, directory: UnitDirectory) -> String? {
        let id = r.required("case_id")
        let unit = r.unit(in: directory)
        let category = r.choice("category", Self.categories, shown: "审批/服务")
        let kind = r.choice("kind", Self.kinds, shown: "即办/承诺")
        var received: String? = nil
        if let s = r.required("received_at") {
            received = CaseTime.normalise(s)
            if received == nil { r.fail(.malformedDateTime, "received_at", value: s) }
        }
        var completed: String? = nil
        if let s = r.text("completed_at") {
            completed = CaseTime.normalise(s)
            if completed == nil {
                r.fail(.malformedDateTime, "completed_at", value: s)
            } else if let c = completed, let rc = received, c < rc {
                r.fail(.completedBeforeReceived, "completed_at", value: s, computed: rc)
            }
        }
        let days = r.count("promised_days") ?? 0
        let paused = r.count("paused_days") ?? 0
        let rating = r.text("rating")
        if let rating, !CaseRecord.ratings.contains(rating) {
            r.fail(.badChoice, "rating", value: rating, computed: CaseRecord.ratings.joined(separator: "/"))
        }
        var unitOfLimit = LimitUnit.workday
        if let t = r.text("promised_unit") {
            if let u = LimitUnit.words[t.lowercased()] {
                unitOfLimit = u
            } else {
                r.fail(.badChoice, "promised_unit", value: t, computed: "工作日/自然日/小时")
            }
        }
        var status = CaseStatus.normal
        if let t = r.text("status") {
            if let st = CaseStatus.words[t] {
                status = st
            } else {
                r.fail(.badChoice, "status", value: t, computed: "办结/不予受理/退件/作废/撤回（docs/cases.md）")
            }
        }
        guard let id, let unit, let category, let kind, let received else { return nil }
        // The same deadline check as an ingest: a case due in a year without a calendar is refused (E033).
        if status != .void, kind == .promised || paused > 0, let seconds = CaseTime.seconds(received) {
            do {
                _ = try calendar.deadline(
                    received: seconds, immediate: kind == .immediate, limit: days, unit: unitOfLimit, paused: paused)
            } catch {
                r.fail(.noCalendar, "received_at", value: "\(error.year)")
                return nil
            }
        }
        pkg.caseRecords.append(
            CaseRecord(
                caseID: id, unit: unit, item: r.text("item"), category: category, kind: kind, receivedAt: received,
                completedAt: completed, promisedDays: days, rating: rating, scope: r.short("scope"),
                channel: r.text("channel"), promisedUnit: unitOfLimit, paused: paused, status: status))
        return id
    }

    func readScore(
        _ r: inout RowReader, into pkg: inout DataPackage, directory: UnitDirectory, rubric: [Criterion]
    ) -> String? {
        let period = r.period()
        let unit = r.unit(in: directory)
        var criterion: Criterion? = nil
        if let c = r.required("criterion") {
            criterion = rubric.first { $0.code == c } ?? rubric.first { $0.name == c }
            if criterion == nil { r.fail(.unknownCriterion, "criterion", value: c) }
        }
        let score = r.decimal("score")
        if score == nil && r.text("score") == nil { r.fail(.missingValue, "score") }
        if let score, let criterion, score > criterion.max {
            r.fail(.scoreAboveMax, "score", value: r.text("score"), computed: Numbers.decimal(criterion.max))
        }
        guard let period, let unit, let criterion, let score else { return nil }
        pkg.evaluation.append(Score(period: period, unit: unit, criterion: criterion.code, score: score))
        return "\(period) \(unit) \(criterion.code)"
    }

    /// Splits a `;`-separated list (also `；`).
    static func list(_ s: String?) -> [String] {
        guard let s else { return [] }
        return s.split(whereSeparator: { $0 == ";" || $0 == "；" }).map {
            $0.trimmed
        }.filter { !$0.isEmpty }
    }
}
