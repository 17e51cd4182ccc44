// The search page: Pagefind's UI, with the query kept in the URL (?q=...) so searches can be shared.
(function () {
  "use strict";
  var ui = null;

  function currentQuery() {
    return new URLSearchParams(window.location.search).get("q") || "";
  }

  function keepInUrl(term) {
    var params = new URLSearchParams(window.location.search);
    if (term) { params.set("q", term); } else { params.delete("q"); }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function start(sortByDate) {
    var element = document.getElementById("search");
    if (ui) {
      // Pagefind may still be loading its index: a UI torn down then must not throw.
      try { ui.destroy(); } catch (error) { /* replaced below */ }
      element.innerHTML = "";
    }
    var options = {
      element: "#search",
      // Result URLs are site-root paths: resolve the root against this page, wherever the site is served.
      baseUrl: new URL(element.getAttribute("data-root") || "./", window.location.href).pathname,
      bundlePath: new URL((element.getAttribute("data-root") || "./") + "pagefind/", window.location.href).pathname,
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      openFilters: ["type"],
      processTerm: function (term) { keepInUrl(term); return term; }
    };
    if (sortByDate) { options.sort = { date: "desc" }; }
    ui = new PagefindUI(options);
    var input = element.querySelector("input[type=text], input[type=search], .pagefind-ui__search-input");
    if (input) {
      input.id = "search-page-input";
      input.setAttribute("aria-label", "Search");
    }
    var query = currentQuery();
    if (query) { ui.triggerSearch(query); }
    var header = document.getElementById("site-search-input");
    if (header) { header.value = query; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var options = document.getElementById("search-options");
    if (options) { options.hidden = false; }
    var sort = document.getElementById("search-sort-date");
    start(sort && sort.checked);
    if (sort) { sort.addEventListener("change", function () { start(sort.checked); }); }
  });
})();
