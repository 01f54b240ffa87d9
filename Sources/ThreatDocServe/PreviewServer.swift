import FlyingFox
import FlyingSocks
import Foundation

/// The live preview's state: the render's generation and its errors, and the pages waiting to hear of
/// the next render.
public actor PreviewHub {
    public private(set) var status = LivePreview.Status(generation: 0, errors: [])
    private var listeners: [UUID: AsyncStream<WSMessage>.Continuation] = [:]

    public init() {}

    /// A render finished: with errors (the site keeps the last good render) or without.
    public func rendered(errors: [String]) {
        status = LivePreview.Status(generation: status.generation + 1, errors: errors)
        for listener in listeners.values { listener.yield(.text("reload")) }
    }

    func subscribe() -> AsyncStream<WSMessage> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<WSMessage>.makeStream()
        listeners[id] = continuation
        continuation.onTermination = { @Sendable _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: UUID) { listeners[id] = nil }
}

struct ReloadMessages: WSMessageHandler {
    let hub: PreviewHub

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        await hub.subscribe()
    }
}

/// Serves a rendered site folder on a local address, with the live-reload script in its pages.
public enum PreviewServer {
    public static func make(site: String, host: String, port: UInt16, hub: PreviewHub) throws -> HTTPServer {
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: host, port: port), timeout: 30, logger: .disabled)
        return server
    }

    public static func addRoutes(to server: HTTPServer, site: String, hub: PreviewHub, host: String = "127.0.0.1") async {
        let names: Set<String> = ["127.0.0.1", "localhost", "[::1]", host.lowercased()]
        await server.appendRoute(HTTPRoute("GET \(LivePreview.scriptPath)")) { request in
            guard isLocal(request, names) else { return forbidden }
            return response(Data(LivePreview.script.utf8), type: "text/javascript; charset=utf-8")
        }
        await server.appendRoute(HTTPRoute("GET \(LivePreview.statusPath)")) { request in
            guard isLocal(request, names) else { return forbidden }
            let status = await hub.status
            return response((try? JSONEncoder().encode(status)) ?? Data("{}".utf8), type: "application/json")
        }
        let socket = WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: ReloadMessages(hub: hub)))
        await server.appendRoute(HTTPRoute("GET \(LivePreview.socketPath)")) { request in
            guard isLocal(request, names) else { return forbidden }
            return try await socket.handleRequest(request)
        }
        await server.appendRoute(HTTPRoute("GET *")) { request in
            guard isLocal(request, names) else { return forbidden }
            return file(request.path, in: site)
        }
    }

    /// A request addressed to this machine by name (`Host: 127.0.0.1:8000`), from a page of this server
    /// when it says where it comes from (`Origin`): a page elsewhere that rebinds its own name to
    /// 127.0.0.1 (DNS rebinding) cannot read the models.
    static func isLocal(_ request: HTTPRequest, _ names: Set<String>) -> Bool {
        func hostName(_ value: String) -> String {
            var text = value.lowercased()
            if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
            if text.hasPrefix("[") { return text.split(separator: "]").first.map { $0 + "]" } ?? text }
            return String(text.split(separator: ":").first ?? "")
        }
        guard let host = request.headers[.host], names.contains(hostName(host)) else { return false }
        if let origin = request.headers[HTTPHeader("Origin")], origin != "null" { return names.contains(hostName(origin)) }
        return true
    }

    static var forbidden: HTTPResponse {
        response(Data("threatdoc serve answers requests addressed to this machine only\n".utf8), type: "text/plain; charset=utf-8", status: .forbidden)
    }

    /// A file of the site: only names inside the folder, never a link out of it or a dot-file.
    static func file(_ requestPath: String, in site: String) -> HTTPResponse {
        var path = requestPath.removingPercentEncoding ?? requestPath
        if path.hasSuffix("/") { path += "index.html" }
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !parts.contains(where: { $0.hasPrefix(".") || $0.contains("\0") }) else { return notFound }
        let full = ([site] + parts).joined(separator: "/")
        var info = stat()
        guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, let data = FileManager.default.contents(atPath: full) else { return notFound }
        let name = parts.last!
        if name.hasSuffix(".html") { return response(Data(LivePreview.served(String(decoding: data, as: UTF8.self)).utf8), type: "text/html; charset=utf-8") }
        let types = ["css": "text/css; charset=utf-8", "svg": "image/svg+xml", "png": "image/png", "json": "application/json", "md": "text/markdown; charset=utf-8"]
        return response(data, type: types[name.split(separator: ".").last.map(String.init) ?? ""] ?? "application/octet-stream")
    }

    static var notFound: HTTPResponse { response(Data("not found\n".utf8), type: "text/plain; charset=utf-8", status: .notFound) }

    static func response(_ body: Data, type: String, status: HTTPStatusCode = .ok) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: type, HTTPHeader("Cache-Control"): "no-store"], body: body)
    }
}
