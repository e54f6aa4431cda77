// The record form shows the hidden-danger fields only when the result is abnormal.
(function () {
  var form = document.getElementById("record-form");
  if (!form) return;
  function sync() {
    var checked = form.querySelector("input[name=result]:checked");
    var abnormal = checked && checked.value === "abnormal";
    form.querySelectorAll(".abnormal-only").forEach(function (el) { el.hidden = !abnormal; });
  }
  form.addEventListener("change", sync);
  sync();
})();
