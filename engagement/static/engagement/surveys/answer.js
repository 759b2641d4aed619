// Show a conditional question only when the answer it depends on is chosen; a hidden question's
// inputs are disabled so they are not sent (the server checks the same conditions anyway).
(function () {
  "use strict";
  function update(form) {
    form.querySelectorAll("[data-condition-field]").forEach(function (fieldset) {
      var name = fieldset.getAttribute("data-condition-field");
      var option = fieldset.getAttribute("data-condition-option");
      var source = form.querySelector("#" + name);
      var chosen = Array.prototype.some.call(
        form.querySelectorAll('input[name="' + name + '"]:checked'),
        function (input) { return input.value === option && !input.disabled; }
      );
      var show = chosen && source && !source.hidden;
      fieldset.hidden = !show;
      fieldset.querySelectorAll("input, textarea").forEach(function (input) { input.disabled = !show; });
    });
  }
  function start() {
    document.querySelectorAll("form.survey-answer").forEach(function (form) {
      form.querySelectorAll(".survey-condition-note").forEach(function (note) { note.hidden = true; });
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
