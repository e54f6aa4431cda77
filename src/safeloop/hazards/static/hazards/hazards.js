// Hidden-danger screens. No inline scripts (CSP).
(function () {
  // The registration form: the deadline belongs to "register", the evidence to "fixed on
  // the spot"; show only the fields of the chosen kind.
  var form = document.getElementById("register-form");
  if (form) {
    var sync = function () {
      var chosen = form.querySelector("input[name=move]:checked");
      var spot = chosen && chosen.value === "fix_on_spot";
      form.querySelectorAll("[data-for=register]").forEach(function (el) { el.hidden = spot; });
      form.querySelectorAll("[data-for=fix_on_spot]").forEach(function (el) { el.hidden = !spot; });
    };
    form.addEventListener("change", sync);
    sync();
  }
  // A move form that failed is opened and scrolled to.
  var failed = document.querySelector(".moves details[open]");
  if (failed) failed.scrollIntoView({ block: "start" });
})();
