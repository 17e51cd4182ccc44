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
