// The page of a PDF being prepared (templates/releases/render_job.html): ask the server every
// two seconds how the job stands, and reload the page when it is ready or has failed. Without
// JavaScript the page's "Check again" link does the same.
(function () {
  "use strict";
  var job = document.querySelector("[data-render-job-status]");
  if (!job) {
    return;
  }
  var url = job.getAttribute("data-render-job-status");
  var tries = 0;
  function check() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { status: "unknown" };
      })
      .then(function (data) {
        if (data.status === "ready" || data.status === "failed") {
          window.location.reload();
        } else if (tries < 300) {
          window.setTimeout(check, 2000);
        }
      })
      .catch(function () {
        if (tries < 300) {
          window.setTimeout(check, 5000);
        }
      });
  }
  window.setTimeout(check, 1000);
})();
