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

    public static func addRoutes(to server: HTTPServer, site: String, hub: PreviewHub) async {
        await server.appendRoute(HTTPRoute("GET \(LivePreview.scriptPath)")) { _ in
            response(Data(LivePreview.script.utf8), type: "text/javascript; charset=utf-8")
        }
        await server.appendRoute(HTTPRoute("GET \(LivePreview.statusPath)")) { _ in
            let status = await hub.status
            return response((try? JSONEncoder().encode(status)) ?? Data("{}".utf8), type: "application/json")
        }
        await server.appendRoute(HTTPRoute("GET \(LivePreview.socketPath)"),
                                 to: WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: ReloadMessages(hub: hub))))
        await server.appendRoute(HTTPRoute("GET *")) { request in
            file(request.path, in: site)
        }
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
