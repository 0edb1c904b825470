"""The script `serve` adds to the HTML pages it serves (never to the files in site/).

It listens on the same origin (Server-Sent Events at EVENTS_PATH): reloads after a rebuild,
swaps stylesheets when only CSS changed, shows an overlay with the errors of a broken edit and
removes it once fixed. A hidden tab closes its connection and reconnects when shown again; a
tab whose build token is no longer current (a rebuild or a server restart happened meanwhile)
reloads on reconnecting.
"""

from __future__ import annotations

import json
import re

EVENTS_PATH = "/__dateline/events"

SCRIPT = """<script data-dateline-live>
(function () {
  var token = %(token)s, source = null, box = null;
  function connect() {
    if (source || document.visibilityState === "hidden") return;
    source = new EventSource(%(events)s);
    source.addEventListener("hello", function (e) {
      var d = JSON.parse(e.data);
      if (d.token !== token) { location.reload(); return; }
      overlay(d.errors);
    });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("css", function (e) {
      var d = JSON.parse(e.data); token = d.token; overlay([]); swap(d.paths);
    });
    source.addEventListener("errors", function (e) { overlay(JSON.parse(e.data).errors); });
    source.addEventListener("clear", function (e) { token = JSON.parse(e.data).token; overlay([]); });
    source.onerror = function () {  // the server went away: keep trying until it is back
      if (source && source.readyState === EventSource.CLOSED) { source = null; setTimeout(connect, 1000); }
    };
  }
  function disconnect() { if (source) { source.close(); source = null; } }
  function swap(paths) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i], url = new URL(link.href, location.href);
      if (url.origin !== location.origin || paths.indexOf(url.pathname) < 0) continue;
      var fresh = link.cloneNode();
      url.searchParams.set("dateline", token);
      fresh.href = url.pathname + url.search;
      fresh.onload = fresh.onerror = (function (old) { return function () { old.remove(); }; })(link);
      link.after(fresh);
    }
  }
  function overlay(errors) {  // in a shadow root, so the site's stylesheets cannot touch it
    if (box) { box.remove(); box = null; }
    if (!errors || !errors.length) return;
    box = document.createElement("div");
    box.setAttribute("data-dateline-errors", "");
    var root = box.attachShadow({mode: "open"});
    var style = document.createElement("style");
    style.textContent = ":host{all:initial}" +
      "section{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;padding:2em;" +
      "background:rgba(24,24,24,.97);color:#eee;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}" +
      "h2{font-size:16px;color:#ff8a80;margin:0 0 1em}p{margin:0 0 .6em;white-space:pre-wrap}" +
      "strong{color:#fff}.hint{color:#aaa;margin-top:1.5em}";
    var panel = document.createElement("section");
    panel.setAttribute("role", "alert");
    add(panel, "h2", "dateline: the last change does not build. This tab shows the last good build.");
    errors.forEach(function (err) {
      var item = add(panel, "p", "");
      item.setAttribute("data-dateline-error", "");
      add(item, "strong", err.path + ":" + err.line + ": ");
      item.appendChild(document.createTextNode(err.message));
    });
    add(panel, "p", "Fix the file and save: this goes away by itself.").className = "hint";
    root.appendChild(style);
    root.appendChild(panel);
    document.documentElement.appendChild(box);
  }
  function add(parent, tag, text) {  // text only: nothing in an error message becomes markup
    var node = document.createElement(tag);
    node.textContent = text;
    parent.appendChild(node);
    return node;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  connect();
})();
</script>
"""

BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def live_script(token: str) -> bytes:
    return (SCRIPT % {"token": json.dumps(token), "events": json.dumps(EVENTS_PATH)}).encode("utf-8")


def inject(html: bytes, token: str) -> bytes:
    """The page with the script before its last </body> (or at the end)."""
    script = live_script(token)
    matches = list(BODY_END.finditer(html))
    if not matches:
        return html + script
    at = matches[-1].start()
    return html[:at] + script + html[at:]
