/* The portal's own script. The search map is drawn by directory/results_map.js (shared with the staff search):
   it follows the results, htmx swap after swap. Here: after an htmx search the address bar changes, so the
   language switcher must come back to the same search. */
(function () {
  "use strict";

  function syncLanguageNext() {
    var next = document.querySelector("#portal-languages input[name=next]");
    if (next) { next.value = window.location.pathname + window.location.search; }
  }
  document.body.addEventListener("htmx:pushedIntoHistory", syncLanguageNext);
  document.body.addEventListener("htmx:historyRestore", syncLanguageNext);
})();
