// The status-step form shows only the fields of the step chosen: each such field names its
// steps in data-steps. Without this script every field shows and the server ignores the
// ones the step does not use.
(function () {
  "use strict";
  document.querySelectorAll("select[data-step-choice]").forEach(function (choice) {
    const fields = choice.form.querySelectorAll("[data-steps]");
    function show() {
      fields.forEach(function (field) {
        const used = field.getAttribute("data-steps").split(" ").includes(choice.value);
        (field.closest("p") || field).hidden = !used;
        field.disabled = !used; // a hidden value is not sent
      });
    }
    choice.addEventListener("change", show);
    show();
  });
})();
