// Site-wide keyboard shortcut: "/" focuses the search box (unless the reader is typing).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing) { return; }
    var box = document.getElementById("search-page-input") || document.getElementById("site-search-input");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();

// A table or code block wider than the column scrolls sideways in its own box: one that does is
// made focusable, so that a keyboard can scroll it too (its name is its caption, or its code).
(function () {
  "use strict";
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".article-body table, .article-body pre"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scrolls", "");
      } else if (!scrolls && box.hasAttribute("data-scrolls")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scrolls");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
