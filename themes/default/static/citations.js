// Shows the full reference of an in-text citation on hover and on keyboard focus (WCAG 1.4.13):
// a non-modal dialog placed in the text right after the citation, so that Tab goes on into its
// links; it stays while the pointer is on the citation or on it (a transparent bridge spans the
// gap, and leaving closes it only after a delay) or focus is in either, and Esc dismisses it.
// It opens below the citation, or above when there is no room below, inside the viewport.
// Without this script every citation is still a plain link to its bibliography entry.
(function () {
  "use strict";
  var script = document.currentScript;
  var label = script ? script.getAttribute("data-label") : "";
  var GAP = 6;            // px between citation and preview, bridged for the pointer (style.css)
  var MARGIN = 8;         // px kept free at the viewport's edges
  var CLOSE_DELAY = 400;  // ms after the pointer leaves before the preview closes
  var popover = null;
  var reference = null;   // the popover's content, which scrolls if the popover is cut short
  var current = null;     // the citation whose preview is open
  var dismissed = null;   // the citation whose preview Esc or a click closed, until it is left
  var timer = 0;
  var frame = 0;

  function entryFor(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
    return id ? document.getElementById(id) : null;
  }

  function focusedIn(element) {
    return Boolean(element) && element.contains(document.activeElement);
  }

  function engaged() {
    return Boolean(current) && (current.matches(":hover") || popover.matches(":hover") ||
                                focusedIn(current) || focusedIn(popover));
  }

  function close() {
    window.clearTimeout(timer);
    if (!current) { return; }
    current.setAttribute("aria-expanded", "false");
    popover.hidden = true;
    current = null;
  }

  // Closes the preview after delay ms unless the pointer or focus has come back to it by then.
  function closeSoon(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { if (!engaged()) { close(); } }, delay);
  }

  // Below the citation if it fits there (or already sits above and still fits), else above if it
  // fits there, else on the roomier side and no taller than that side; kept inside the viewport's width.
  function place() {
    if (!current) { return; }
    var style = popover.style;
    reference.style.maxHeight = "";
    style.left = "0px";
    style.top = "0px";
    var origin = popover.getBoundingClientRect();
    var box = current.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var height = document.documentElement.clientHeight;
    var below = height - box.bottom - GAP - MARGIN;
    var above = box.top - GAP - MARGIN;
    var tall = popover.offsetHeight;
    var side;
    if (popover.getAttribute("data-side") === "above" && tall <= above) { side = "above"; }
    else if (tall <= below) { side = "below"; }
    else if (tall <= above) { side = "above"; }
    else { side = above > below ? "above" : "below"; }
    var room = Math.max(0, side === "above" ? above : below);
    if (tall > room) {
      reference.style.maxHeight = Math.max(0, room - (tall - reference.offsetHeight)) + "px";
      tall = popover.offsetHeight;
    }
    popover.setAttribute("data-side", side);
    var left = Math.max(MARGIN, Math.min(box.left, width - popover.offsetWidth - MARGIN));
    var top = side === "above" ? box.top - GAP - tall : box.bottom + GAP;
    style.left = (left - origin.left) + "px";
    style.top = (top - origin.top) + "px";
  }

  function placeSoon() {
    if (!current || frame) { return; }
    frame = window.requestAnimationFrame(function () { frame = 0; place(); });
  }

  function open(link) {
    window.clearTimeout(timer);
    if (link === current) { return; }
    var entry = entryFor(link);
    if (!entry || link === dismissed) { return; }
    close();
    var copy = entry.cloneNode(true);
    copy.removeAttribute("id");
    Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
    reference.replaceChildren.apply(reference, Array.prototype.slice.call(copy.childNodes));
    popover.removeAttribute("data-side");
    link.after(popover);
    popover.hidden = false;
    current = link;
    link.setAttribute("aria-expanded", "true");
    place();
  }

  // Esc closes the preview; focus that was in it goes back to its citation, which stays closed.
  function dismiss(event) {
    if (event.key !== "Escape" || !current) { return; }
    var link = current;
    var inside = focusedIn(popover);
    dismissed = link;
    close();
    if (inside) { link.focus(); }
  }

  function build() {
    popover = document.createElement("span");
    popover.id = "citation-popover";
    popover.className = "citation-popover";
    popover.setAttribute("role", "dialog");
    if (label) { popover.setAttribute("aria-label", label); }
    popover.hidden = true;
    reference = document.createElement("span");
    reference.className = "citation-popover__reference";
    popover.appendChild(reference);
    popover.addEventListener("mouseenter", function () { window.clearTimeout(timer); });
    popover.addEventListener("mouseleave", function () { closeSoon(CLOSE_DELAY); });
    popover.addEventListener("focusout", function () { closeSoon(0); });
    document.body.appendChild(popover);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll('.citation a[role="doc-biblioref"]');
    if (!links.length) { return; }
    build();
    Array.prototype.forEach.call(links, function (link) {
      link.setAttribute("aria-expanded", "false");
      link.setAttribute("aria-controls", popover.id);
      link.addEventListener("mouseenter", function () { open(link); });
      link.addEventListener("focus", function () { open(link); });
      link.addEventListener("mouseleave", function () {
        if (dismissed === link && !focusedIn(link)) { dismissed = null; }
        closeSoon(CLOSE_DELAY);
      });
      link.addEventListener("blur", function () {
        if (dismissed === link && !link.matches(":hover")) { dismissed = null; }
        closeSoon(0);
      });
      // Following the citation to its entry in the bibliography leaves no need for the preview.
      link.addEventListener("click", function () { dismissed = link; close(); });
    });
    document.addEventListener("keydown", dismiss);
    window.addEventListener("scroll", placeSoon, { capture: true, passive: true });
    window.addEventListener("resize", placeSoon);
  });
})();
