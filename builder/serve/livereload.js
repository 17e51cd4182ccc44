// Live reload for `dossier serve`. The server adds this script to the HTML it sends; it is never
// part of the built site. It listens to the build results the server streams and reloads the page
// after a good build, or shows the problems of a failed one over the last good page.
(function () {
  "use strict";

  var OVERLAY_ID = "dossier-build-problems";
  var MONO = "14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace";
  var SANS = "13px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif";
  var TITLE = "bold 16px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif";
  var SCROLL_KEY = "dossier-serve-scroll:" + location.pathname;
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-build") : "";
  var events = null;

  function reload() {
    if (events) events.close();
    try { sessionStorage.setItem(SCROLL_KEY, String(window.scrollY)); } catch (e) { /* storage may be off */ }
    location.reload();
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(SCROLL_KEY);
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) { /* storage may be off */ }
    if (saved !== null) window.scrollTo(0, Number(saved) || 0);
  }

  function removeOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function element(tag, style, text) {
    var node = document.createElement(tag);
    node.setAttribute("style", style);
    if (text !== undefined) node.textContent = text;    // text only: problem messages are never parsed as HTML
    return node;
  }

  function showOverlay(problems) {
    removeOverlay();
    var box = element("section",
      "all:initial;position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;" +
      "box-sizing:border-box;padding:1rem 1.25rem;background:#2a1215;color:#fbe9ea;" +
      "border-bottom:4px solid #e5484d;box-shadow:0 4px 24px rgba(0,0,0,.4);font:" + SANS + ";");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", OVERLAY_ID + "-title");
    var title = element("h2", "all:initial;display:block;margin:0 6rem .5rem 0;color:#fff;font:" + TITLE + ";",
      "Build failed: this page is the last good build");
    title.id = OVERLAY_ID + "-title";
    box.appendChild(title);
    var list = element("ul", "all:initial;display:block;margin:0;padding:0;list-style:none;");
    (problems || []).forEach(function (problem) {
      list.appendChild(element("li", "all:initial;display:block;margin:.25rem 0;white-space:pre-wrap;" +
        "overflow-wrap:anywhere;color:#fbe9ea;font:" + MONO + ";", problem.text));
    });
    box.appendChild(list);
    box.appendChild(element("p", "all:initial;display:block;margin:.75rem 0 0;color:#f3c1c4;font:" + SANS + ";",
      "Save a fix and the page reloads by itself."));
    var dismiss = element("button", "all:initial;position:absolute;top:.75rem;right:1rem;cursor:pointer;" +
      "padding:.2rem .6rem;border:1px solid #f3c1c4;border-radius:4px;color:#fff;font:" + SANS + ";", "Dismiss");
    dismiss.type = "button";
    dismiss.addEventListener("click", removeOverlay);
    box.appendChild(dismiss);
    document.body.appendChild(box);
  }

  // After a save the page reloads at once and the search index is remade behind it: the search
  // page says its results may be older meanwhile, and reloads when the new index is in place.
  var NOTICE_ID = "dossier-search-indexing";
  var wasIndexing = false;

  function showIndexing(indexing) {
    var searchPage = document.body && document.body.classList.contains("kind-search");
    var old = document.getElementById(NOTICE_ID);
    if (searchPage && wasIndexing && !indexing) { reload(); return; }
    wasIndexing = indexing;
    if (!searchPage || !indexing) { if (old) old.remove(); return; }
    if (old) return;
    var notice = element("p", "all:initial;position:fixed;bottom:1rem;left:1rem;z-index:2147483646;" +
      "padding:.5rem .8rem;border-radius:4px;background:#1e2a3a;color:#e8eef6;font:" + SANS + ";",
      "Updating the search index after your last save: results may be older until this page reloads.");
    notice.id = NOTICE_ID;
    notice.setAttribute("role", "status");
    document.body.appendChild(notice);
  }

  function connect() {
    events = new EventSource("/__dossier/events");
    events.onmessage = function (message) {
      var state;
      try { state = JSON.parse(message.data); } catch (e) { return; }
      if (state.build !== shown) {
        reload();
        return;
      }
      showIndexing(Boolean(state.indexing));
      if (state.ok) {
        removeOverlay();
      } else {
        showOverlay(state.problems);
      }
    };
  }

  restoreScroll();
  connect();
  window.addEventListener("pagehide", function () { if (events) events.close(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) connect(); });
})();
