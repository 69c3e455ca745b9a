// htmx posts (row moves on the release page, which is cached and so holds no CSRF token) carry
// Django's CSRF token from its cookie (CSRF_COOKIE_HTTPONLY = False), as Django documents for
// AJAX. A static file, so that pages run under a strict Content-Security-Policy.
document.addEventListener("htmx:configRequest", function (event) {
  "use strict";
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) {
    event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  }
});
