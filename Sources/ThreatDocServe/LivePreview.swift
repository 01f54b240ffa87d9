import Foundation

/// What `threatdoc serve` adds to the pages it serves, and only to them: a script that reloads the page
/// when the site is rendered again, and shows the diagnostics over the page when a model has errors. The
/// rendered files stay as `render` writes them, script-free under their Content-Security-Policy; the
/// served copy's policy also allows this one script from the server and its WebSocket.
public enum LivePreview {
    public static let scriptPath = "/__threatdoc/live.js"
    public static let socketPath = "/__threatdoc/live"
    public static let statusPath = "/__threatdoc/status"

    /// A served page: the policy widened for the script, and the script before `</body>`.
    public static func served(_ html: String) -> String {
        var page = html
        if let range = page.range(of: #"content="default-src 'none';"#) {
            page.replaceSubrange(range, with: #"content="default-src 'none'; script-src 'self'; connect-src 'self';"#)
        }
        let tag = "<script src=\"\(scriptPath)\"></script>\n"
        if let body = page.range(of: "</body>", options: .backwards) { page.insert(contentsOf: tag, at: body.lowerBound) } else { page += tag }
        return page
    }

    /// The status the page reads: the render's generation, and the errors (as a compiler prints them)
    /// when the last render failed.
    public struct Status: Codable, Sendable, Equatable {
        public var generation: Int
        public var errors: [String]
        public init(generation: Int, errors: [String]) {
            self.generation = generation
            self.errors = errors
        }
    }

    /// Reconnects when the server restarts; on "reload" it fetches the status and reloads or shows the
    /// overlay. Text goes in through textContent only.
    public static let script = """
        (function () {
          "use strict";
          var shown = null;
          function overlay(errors) {
            if (shown) { shown.remove(); shown = null; }
            if (!errors.length) { return; }
            shown = document.createElement("div");
            shown.id = "threatdoc-overlay";
            shown.setAttribute("role", "alert");
            shown.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);" +
              "color:#f8f8f8;font:14px/1.5 ui-monospace,monospace;padding:2rem;white-space:pre-wrap";
            var title = document.createElement("h2");
            title.textContent = "threatdoc: the models have errors; the page shows the last good render";
            title.style.cssText = "color:#ff8080;font-size:16px;margin:0 0 1rem";
            var text = document.createElement("pre");
            text.textContent = errors.join("\\n\\n");
            shown.appendChild(title);
            shown.appendChild(text);
            document.body.appendChild(shown);
          }
          function check(reload) {
            fetch("\(statusPath)", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (status) {
              if (status.errors.length) { overlay(status.errors); } else if (reload) { location.reload(); } else { overlay([]); }
            }).catch(function () {});
          }
          function connect() {
            var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "\(socketPath)");
            socket.onmessage = function (event) { if (event.data === "reload") { check(true); } };
            socket.onclose = function () { setTimeout(connect, 500); };
          }
          check(false);
          connect();
        })();

        """
}
