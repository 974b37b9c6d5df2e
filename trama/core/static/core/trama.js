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

/* Behaviour declared in the markup, so that no page needs inline scripts or on* attributes (the
   Content-Security-Policy allows scripts from our own files only):
   - <form data-confirm="question">: asks before submitting;
   - <select data-autosubmit>: submits its form when the choice changes;
   - <button data-print>: prints the page;
   - a form sent by POST is sent once: a second click while the page is loading does nothing (the server also
     refuses a page submitted twice where it would create a row twice). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();  // nor may htmx send it
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    if (form.getAttribute("target")) { return; }  // opens another tab: this page stays usable
    if (form.getAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "1");
    // A download (an export, a PDF) leaves the page where it is: usable again after a while.
    window.setTimeout(function () { form.removeAttribute("data-submitting"); }, 8000);
  });
  window.addEventListener("pageshow", function () {  // back to a page kept in the browser's cache
    var sent = document.querySelectorAll("form[data-submitting]");
    for (var i = 0; i < sent.length; i += 1) { sent[i].removeAttribute("data-submitting"); }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();
