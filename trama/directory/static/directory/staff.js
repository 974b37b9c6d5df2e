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
