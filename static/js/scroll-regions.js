// A table that is wider than a small screen scrolls inside itself (app.css). A scroll region must
// be reachable by keyboard (WCAG 2.1.1): make each one that actually scrolls focusable (a table
// keeps its table role and its caption as its name; a wrapping div becomes a region named after
// the table's caption). A static file, so that pages run under a strict Content-Security-Policy.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table, main .table-responsive").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      var ours = el.hasAttribute("data-scroll-region");
      var isTable = el.tagName === "TABLE";
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-region", "");
        if (!isTable) {
          var caption = el.querySelector("caption");
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
        }
      } else if (!scrolls && ours) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-region");
        if (!isTable) {
          el.removeAttribute("role");
          el.removeAttribute("aria-label");
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
