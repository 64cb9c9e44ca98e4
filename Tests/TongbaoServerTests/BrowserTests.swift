import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// A real browser against the running server: sign in, fill a report form, publish, and a screenshot of the
/// dashboard with its charts and Chinese text. `.ci/run` installs Debian's chromium and fonts-noto-cjk; without
/// them this test fails, unless TONGBAO_SKIP_BROWSER=1 says on purpose that this machine has no browser.
@Suite("Real browser", .serialized)
struct BrowserTests {
    static let skip = ProcessInfo.processInfo.environment["TONGBAO_SKIP_BROWSER"] == "1"

    // Alone it takes about 5 s; beside ServerBoundsTests (served processes under 200 MB uploads, a 1 GB zip
    // bomb, 2,000 logins) it waited 154 s for the CPU in one full run: the limit is for a hang, not for load.
    @Test(.enabled(if: !skip), .timeLimit(.minutes(8)), arguments: TestBackend.available)
    func signInFillAReportPublishAndSeeTheDashboard(_ backend: TestBackend) async throws {
        let executable = try #require(
            Chromium.executable,
            "Chromium not found: apt-get install chromium fonts-noto-cjk (or TONGBAO_SKIP_BROWSER=1)")
        try await Web.run(backend, .live) { web in
            let port = try #require(web.client.port)
            let base = "http://127.0.0.1:\(port)"
            let shot = try await Self.offPool {
                let chrome = try Chromium(executable: executable)
                try chrome.openTab()
                // Sign in through the login form, as a person would.
                try chrome.navigate("\(base)/login")
                _ = try chrome.evaluate(
                    """
                    document.querySelector('input[name=name]').value = 'admin';
                    document.querySelector('input[name=password]').value = \(Chromium.quote(Web.password));
                    document.querySelector('form.login button').click(); true
                    """)
                try chrome.waitFor("location.pathname.startsWith('/dashboard/') && document.readyState === 'complete'")
                // Fill C01's July report and save it.
                try chrome.navigate("\(base)/report/C01/2021-07")
                let form = try chrome.screenshot()
                _ = try chrome.evaluate(
                    """
                    document.querySelector('input[name=recv_immediate]').value = '1357';
                    document.querySelector('button[value=save]').click(); true
                    """)
                try chrome.waitFor("location.search.includes('saved=1') && document.readyState === 'complete'")
                // Publish the month.
                try chrome.navigate("\(base)/bulletin/2021-07")
                _ = try chrome.evaluate("document.querySelector('form.inline button').click(); true")
                try chrome.waitFor("location.search.includes('done=publish') && document.readyState === 'complete'")
                let bulletin = try chrome.screenshot()
                // The bulletin HTML that `--format pdf` prints: its title, a table cell and chart text in CJK faces.
                try chrome.navigate("\(base)/bulletin/2021-07/document/html?inline=1")
                let printed = [
                    try chrome.fonts(of: "h1"), try chrome.fonts(of: "td"), try chrome.fonts(of: "figure svg text"),
                ]
                // The dashboard: three charts drawn, Chinese set in a CJK font rather than boxes.
                try chrome.navigate("\(base)/dashboard/2021-07")
                let charts = try chrome.evaluate(
                    "Array.from(document.querySelectorAll('.charts svg')).filter(s => s.getBoundingClientRect().width > 100).length"
                )
                let heading = try chrome.fonts(of: "h1")
                let chartText = try chrome.fonts(of: ".charts svg text")
                return (charts as? Int ?? 0, heading, chartText, try chrome.screenshot(), form, bulletin, printed)
            }
            #expect(shot.0 == 3)
            #expect(shot.1.contains { $0.contains("CJK") }, "fonts of the heading: \(shot.1)")
            #expect(shot.2.contains { $0.contains("CJK") }, "fonts of the chart text: \(shot.2)")
            for fonts in shot.6 {
                #expect(fonts.contains { $0.contains("CJK") }, "fonts in the printed bulletin: \(fonts)")
            }
            #expect(shot.3.count > 20_000)
            let out = Fixtures.root.appendingPathComponent(".build/screenshots")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try shot.3.write(to: out.appendingPathComponent("dashboard.png"))
            try shot.4.write(to: out.appendingPathComponent("report-form.png"))
            try shot.5.write(to: out.appendingPathComponent("bulletin.png"))
            #expect(try await web.caseRow("C01")?.recvImmediate == 1357)
            #expect(
                try await web.store.publication(district: "yubei", period: Period(year: 2021, month: 7))?.isFrozen
                    == true)
        }
    }

    /// Runs blocking work on a thread of its own, so the server's tasks keep the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
