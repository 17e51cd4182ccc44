// Shows the full reference of an in-text citation on hover and on keyboard focus.
// Without this script every citation is still a plain link to its bibliography entry.
(function () {
  "use strict";
  var tip = null;
  var current = null;

  function entryFor(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
    return id ? document.getElementById(id) : null;
  }

  function hide() {
    if (tip) { tip.hidden = true; }
    if (current) { current.removeAttribute("aria-describedby"); current = null; }
  }

  function show(link) {
    var entry = entryFor(link);
    if (!entry) { return; }
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "citation-popover";
      tip.className = "citation-popover";
      tip.setAttribute("role", "tooltip");
      tip.addEventListener("mouseleave", hide);
      document.body.appendChild(tip);
    }
    var copy = entry.cloneNode(true);
    copy.removeAttribute("id");
    Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
    tip.replaceChildren.apply(tip, Array.prototype.slice.call(copy.childNodes));
    tip.hidden = false;
    var box = link.getBoundingClientRect();
    var top = window.scrollY + box.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.top = top + "px";
    tip.style.left = left + "px";
    current = link;
    link.setAttribute("aria-describedby", tip.id);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll('.citation a[role="doc-biblioref"]');
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("mouseleave", function (event) {
        if (!tip || event.relatedTarget !== tip) { hide(); }
      });
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(); }
    });
  });
})();
