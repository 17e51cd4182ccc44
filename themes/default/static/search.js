// The search page: Pagefind's UI, with the query kept in the URL (?q=...) so searches can be shared.
(function () {
  "use strict";
  var ui = null;
  var observer = null;

  function currentQuery() {
    return new URLSearchParams(window.location.search).get("q") || "";
  }

  // A multilingual site searches the index of the search page's language, or with ?scope=all
  // one index of every page (data-all-bundle); the links between them carry the query along.
  function searchingAll(element) {
    return Boolean(element.getAttribute("data-all-bundle")) &&
      new URLSearchParams(window.location.search).get("scope") === "all";
  }

  function keepInUrl(term) {
    var params = new URLSearchParams(window.location.search);
    if (term) { params.set("q", term); } else { params.delete("q"); }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    Array.prototype.forEach.call(document.querySelectorAll("a.search-language"), function (link) {
      var target = new URL(link.getAttribute("href"), window.location.href);
      if (term) { target.searchParams.set("q", term); } else { target.searchParams.delete("q"); }
      link.setAttribute("href", target.pathname + target.search);
    });
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
      bundlePath: new URL((element.getAttribute("data-root") || "./") +
                          (searchingAll(element) ? element.getAttribute("data-all-bundle") : "pagefind/"),
                          window.location.href).pathname,
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
      input.setAttribute("aria-label", element.getAttribute("data-label") || "");
    }
    relabel(element);
    var query = currentQuery();
    keepInUrl(query);
    if (searchingAll(element)) {
      Array.prototype.forEach.call(document.querySelectorAll("a.search-language"), function (link) {
        if (link.getAttribute("data-scope") === "all") { link.setAttribute("aria-current", "page"); }
        else { link.removeAttribute("aria-current"); }
      });
    }
    if (query) { ui.triggerSearch(query); }
    var header = document.getElementById("site-search-input");
    if (header) { header.value = query; }
  }

  // Pagefind shows each filter by its name in the index (tag, year, ...) and each type by its value
  // (article, evidence, ...); the page gives their words in its language as data-filter-NAME and
  // data-type-VALUE attributes, and they replace Pagefind's as its filters appear.
  function wordFor(element, prefix, key) {
    return element.getAttribute("data-" + prefix + "-" + String(key).trim().toLowerCase());
  }

  function relabelFilters(element) {
    Array.prototype.forEach.call(element.querySelectorAll(".pagefind-ui__filter-name, .pagefind-ui__filter-group-label"),
      function (name) {
        var word = name.getAttribute("data-name") ? null : wordFor(element, "filter", name.textContent);
        if (word) {
          name.setAttribute("data-name", name.textContent);
          name.textContent = word;
        }
      });
    Array.prototype.forEach.call(element.querySelectorAll(".pagefind-ui__filter-label[for^='type-']"), function (label) {
      var text = label.firstChild;
      var word = text && text.nodeType === 3 && !label.getAttribute("data-value") ? wordFor(element, "type", text.data) : null;
      if (word) {
        label.setAttribute("data-value", text.data);
        text.data = word;
      }
    });
  }

  function relabel(element) {
    if (!observer && window.MutationObserver) {
      observer = new MutationObserver(function () { relabelFilters(element); });
      observer.observe(element, { childList: true, subtree: true });
    }
    relabelFilters(element);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var options = document.getElementById("search-options");
    if (options) { options.hidden = false; }
    var sort = document.getElementById("search-sort-date");
    start(sort && sort.checked);
    if (sort) { sort.addEventListener("change", function () { start(sort.checked); }); }
  });
})();
