/* Assessment form: show the inputs of the chosen method only (all stay in the form, so the
   page works without this script). */
(function () {
  "use strict";
  var form = document.getElementById("assess-form");
  if (!form) { return; }
  var groups = { lec: ["lec_l", "lec_e", "lec_c"], ls: ["ls_l", "ls_s"] };
  function show() {
    var checked = form.querySelector("input[name=method]:checked");
    var method = checked ? checked.value : "";
    Object.keys(groups).forEach(function (name) {
      groups[name].forEach(function (field) {
        var box = form.querySelector("[data-field=" + field + "]");
        if (box) { box.hidden = method !== name; }
      });
    });
  }
  form.addEventListener("change", show);
  show();
})();
