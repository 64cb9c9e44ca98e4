import Foundation
import Testing
import TongbaoTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 15: two `tongbao serve` processes on one PostgreSQL database are one application: a login on one is a
/// login on the other (sessions live in the database), and a save on one is read on the other.
@Suite(.serialized) struct TwoServersTests {
    /// A request without URLSession's cookie store or redirects: the session cookie is handed over by hand.
    final class NoRedirect: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) { completionHandler(nil) }
    }

    static func send(_ request: URLRequest) async throws -> (Int, String, [String: String]) {
        let config = URLSessionConfiguration.ephemeral
        config.httpCookieStorage = nil
        config.httpShouldSetCookies = false
        let session = URLSession(configuration: config, delegate: NoRedirect(), delegateQueue: nil)
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
    }

    /// `name=value` of the cookie `name` in a Set-Cookie header.
    static func cookie(_ name: String, in header: String?) -> String? {
        guard let header, let range = header.range(of: name + "=") else { return nil }
        let value = header[range.upperBound...].prefix { $0 != ";" && $0 != "," }
        return "\(name)=\(value)"
    }

    @Test(.enabled(if: TestBackend.postgresURL != nil), .timeLimit(.minutes(3)))
    func aLoginOnOneServerWorksOnTheOther() async throws {
        let (db, drop) = try await TestBackend.freshDatabase(on: TestBackend.postgresURL!)
        let a = try await ServerBoundsTests.Served(database: db)
        let b = try await ServerBoundsTests.Served(database: db, prepared: true)
        defer {
            a.stop()
            b.stop()
        }
        // Sign in on a.
        let (_, form, headers) = try await Self.send(URLRequest(url: URL(string: a.base + "/login")!))
        let csrfCookie = try #require(
            headers["set-cookie"].flatMap { h in
                h.split(separator: ",").map(String.init).compactMap { part -> String? in
                    let name = part.trimmingCharacters(in: .whitespaces).prefix { $0 != "=" }
                    return name.isEmpty || name.contains(" ") ? nil : Self.cookie(String(name), in: part)
                }.first
            })
        let token = try #require(
            form.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression).map {
                String(form[$0].dropFirst(#"name="_csrf" value=""#.count).dropLast())
            })
        var login = URLRequest(url: URL(string: a.base + "/login")!)
        login.httpMethod = "POST"
        login.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        login.setValue(csrfCookie, forHTTPHeaderField: "Cookie")
        login.httpBody = Data("_csrf=\(token)&next=&name=admin&password=correct-horse".utf8)
        let (status, _, loggedIn) = try await Self.send(login)
        #expect(status == 302)
        let setCookie = loggedIn["set-cookie"] ?? ""
        let session = try #require(
            setCookie.split(separator: ",").compactMap { part -> String? in
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let eq = text.firstIndex(of: "="), !text[text.index(after: eq)...].hasPrefix(";") else {
                    return nil
                }
                let value = text[text.index(after: eq)...].prefix { $0 != ";" }
                return value.isEmpty ? nil : String(text[..<eq]) + "=" + value
            }.first { !$0.lowercased().contains("csrf") })
        // The session is good on b.
        var page = URLRequest(url: URL(string: b.base + "/dashboard/2021-07")!)
        page.setValue(session, forHTTPHeaderField: "Cookie")
        let (onB, text, _) = try await Self.send(page)
        #expect(onB == 200)
        #expect(text.contains("309055"))
        // And on a, where it was made.
        var home = URLRequest(url: URL(string: a.base + "/dashboard/2021-07")!)
        home.setValue(session, forHTTPHeaderField: "Cookie")
        #expect(try await Self.send(home).0 == 200)
        await drop()
    }
}
