import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The page templates (`Templates/*.mustache`, shipped with the program), loaded and checked once at start.
public struct Views: Sendable {
    let library: MustacheLibrary

    static let pages = [
        "layout", "error", "login", "dashboard", "report", "upload", "upload-preview", "scores", "events",
        "ancillary", "bulletin", "audit", "accounts", "city", "lists", "calendar", "me",
    ]

    public static func load() async throws -> Views {
        guard let dir = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw ServerSetupError.missingResource("Templates")
        }
        let library = try await MustacheLibrary(directory: dir.path)
        for name in pages where library.getTemplate(named: name) == nil {
            throw ServerSetupError.missingResource("Templates/\(name).mustache")
        }
        return Views(library: library)
    }

    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(model, withTemplate: template) else {
            throw ServerSetupError.missingResource("Templates/\(template).mustache")
        }
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func asset(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "Assets/\(name)", withExtension: nil) else {
            throw ServerSetupError.missingResource("Assets/\(name)")
        }
        return try Data(contentsOf: url)
    }
}

public enum ServerSetupError: Error, LocalizedError {
    case missingResource(String)
    public var errorDescription: String? {
        switch self {
        case .missingResource(let name): return "找不到程序资源 \(name)（安装不完整）"
        }
    }
}

/// JSON bodies of the API.
enum JSON {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok, filename: String? = nil)
        -> Response
    {
        bytes(Data(text.utf8), type: type, status: status, filename: filename)
    }

    /// A download when `filename` is set; only ASCII letters, digits, `.`, `_` and `-` of it reach the header
    /// (a unit code is typed by users).
    static func bytes(_ data: Data, type: String, status: HTTPResponse.Status = .ok, filename: String? = nil)
        -> Response
    {
        var headers: HTTPFields = [.contentType: type]
        if let filename {
            let safe = String(
                filename.unicodeScalars.filter {
                    $0.isASCII
                        && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
                }.map(Character.init))
            headers[.contentDisposition] = "attachment; filename=\"\(safe)\""
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Reading form bodies.
enum Forms {
    /// The fields of an `application/x-www-form-urlencoded` body (the last value of a repeated name wins).
    static func fields(_ request: Request, context: AppContext) async throws -> [String: String] {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body))
        } catch {
            throw WebError.badRequest("表单内容无法解析")
        }
    }

    /// A parameter of a header value: the multipart boundary of a Content-Type, the name or file name of a
    /// Content-Disposition (`form-data; name="file"; filename="cases.csv"`).
    static func param(_ header: String, _ key: String) -> String? {
        for item in header.split(separator: ";") {
            let kv = item.trimmingCharacters(in: .whitespaces)
            if kv.hasPrefix(key + "=") {
                let v = String(kv.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return v.isEmpty ? nil : v
            }
        }
        return nil
    }
}
