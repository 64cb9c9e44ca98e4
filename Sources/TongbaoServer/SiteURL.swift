import Foundation
import HTTPTypes
import Hummingbird

/// Every path of the site and the API, declared once: routes are registered with ``pattern`` and links are built
/// with ``link(_:)``.
enum SiteURL: String, CaseIterable {
    case home = "/"
    case login = "/login"
    case logout = "/logout"
    case dashboard = "/dashboard/:period"
    case report = "/report/:unit/:period"
    case reportTemplate = "/report/:unit/:period/template.xlsx"
    case upload = "/upload"
    case uploadConfirm = "/upload/confirm"
    case scores = "/scores/:period"
    case events = "/events/:period"
    case eventDelete = "/events/:period/delete"
    case ancillary = "/ancillary/:period"
    case bulletin = "/bulletin/:period"
    case bulletinDocument = "/bulletin/:period/document/:format"
    case publish = "/bulletin/:period/publish"
    case reopen = "/bulletin/:period/reopen"
    case audit = "/audit"
    case overdueList = "/lists/overdue/:period"
    case unfavourableList = "/lists/unfavourable/:period"
    case followUp = "/lists/unfavourable/:period/followup"
    case calendar = "/calendar/:year"
    case accounts = "/accounts"
    case accountPassword = "/accounts/password"
    case accountState = "/accounts/state"
    case me = "/me"
    case mePassword = "/me/password"
    case meTokens = "/me/tokens"
    case city = "/city/:period"
    case templates = "/templates"
    case templateUse = "/templates/use"
    case style = "/assets/style.css"
    case healthz = "/healthz"
    case metrics = "/metrics"

    case apiOpenAPI = "/api/v1/openapi.json"
    case apiUnits = "/api/v1/units"
    case apiDashboard = "/api/v1/periods/:period/dashboard"
    case apiBulletin = "/api/v1/periods/:period/bulletin"
    case apiPublish = "/api/v1/periods/:period/publish"
    case apiReopen = "/api/v1/periods/:period/reopen"
    case apiReport = "/api/v1/reports/:unit/:period"
    case apiPackages = "/api/v1/packages"
    case apiAudit = "/api/v1/audit"
    case apiCity = "/api/v1/city/:period"
    case apiOverdue = "/api/v1/periods/:period/overdue"
    case apiUnfavourable = "/api/v1/periods/:period/unfavourable"

    var pattern: RouterPath { RouterPath(rawValue) }

    /// The methods the path answers (HEAD with every GET); any other gets 405 with this list in `Allow`.
    /// `SecurityTests` checks the list against the registered routes.
    var methods: [HTTPRequest.Method] {
        switch self {
        case .accounts, .ancillary, .calendar, .events, .login, .report, .scores, .templates, .upload:
            [.get, .head, .post]
        case .apiReport: [.get, .head, .put]
        case .accountPassword, .accountState, .apiPackages, .apiPublish, .apiReopen, .eventDelete, .followUp,
            .logout, .mePassword, .meTokens, .publish, .reopen, .templateUse, .uploadConfirm:
            [.post]
        case .apiAudit, .apiBulletin, .apiCity, .apiDashboard, .apiOpenAPI, .apiOverdue, .apiUnfavourable, .apiUnits,
            .audit, .bulletin, .bulletinDocument, .city, .dashboard, .home, .me, .overdueList, .reportTemplate, .style,
            .healthz, .metrics,
            .unfavourableList:
            [.get, .head]
        }
    }

    /// The route whose pattern `path` fits (`:name` segments fit any one segment).
    static func matching(_ path: String) -> SiteURL? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return allCases.first { url in
            let pattern = url.rawValue.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == parts.count
                && zip(pattern, parts).allSatisfy { p, s in p.hasPrefix(":") ? !s.isEmpty : p == s }
        }
    }

    /// The path with each `:name` replaced, in order, by `values` (percent-encoded).
    func link(_ values: CustomStringConvertible...) -> String {
        var parts: [String] = []
        var next = values.makeIterator()
        for part in rawValue.split(separator: "/", omittingEmptySubsequences: false) {
            if part.hasPrefix(":"), let v = next.next() {
                parts.append(
                    v.description.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
                        ?? "")
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    var isAPI: Bool { rawValue.hasPrefix("/api/") }
}

/// The API's route patterns, for checking the OpenAPI document against them.
public enum APIRoutes {
    public static var patterns: [String] { SiteURL.allCases.filter(\.isAPI).map(\.rawValue) }
}
