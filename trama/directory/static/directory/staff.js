/* Directory staff pages: add schedule rows without a reload (the page works without it: two empty rows are
   always there) and fill the address with a geocoder suggestion. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-formset]").forEach(function (form) {
    var prefix = form.dataset.formset;
    var total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = form.querySelector("template[data-empty-form]");
    var button = form.querySelector("[data-add-row]");
    var rows = form.querySelector(".trama-windows");
    if (!total || !template || !button || !rows) { return; }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var first = added && added.querySelector("select, input");
      if (first) { first.focus(); }
    });
  });

  document.querySelectorAll("[data-fill-address]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector("input[name='address_text']");
      if (!input) { return; }
      input.value = button.dataset.fillAddress;
      input.focus();
    });
  });
})();

/* Details of the service page: after htmx swaps a section, bring the focus back into it (to the first field
   with an error, else to the status line), so keyboard and screen-reader users know what happened. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var id = target && target.id;
    if (!id || id.indexOf("detail-") !== 0) { return; }
    var section = document.getElementById(id);
    if (!section) { return; }
    var invalid = section.querySelector("[aria-invalid='true']");
    var status = section.querySelector("[data-detail-status]");
    if (invalid) { invalid.focus(); } else if (status) { status.focus(); }
  });
})();
