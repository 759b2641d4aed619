// In the question form, show only the settings of the chosen kind of question.
(function () {
  "use strict";
  function update(form) {
    var kind = form.querySelector('select[name="kind"]');
    if (!kind) { return; }
    var isChoice = kind.value === "single" || kind.value === "multiple";
    form.querySelectorAll(".survey-kind-choice").forEach(function (el) { el.hidden = !isChoice; });
    form.querySelectorAll(".survey-kind-rating").forEach(function (el) { el.hidden = kind.value !== "rating"; });
  }
  function start() {
    document.querySelectorAll("form.survey-question-form").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
