/* Keeps the session alive while someone is typing into a form (minutes can take longer than the idle timeout),
   without keeping idle sessions alive: a ping is sent only if there was typing since the last one. */
(function () {
  "use strict";
  var body = document.body;
  var url = body && body.getAttribute("data-keepalive-url");
  if (!url) { return; }
  var typedSinceLastPing = false;
  document.addEventListener("input", function (event) {
    if (event.target && event.target.form) { typedSinceLastPing = true; }
  }, true);
  window.setInterval(function () {
    if (!typedSinceLastPing) { return; }
    typedSinceLastPing = false;
    window.fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
  }, 4 * 60 * 1000);
})();
