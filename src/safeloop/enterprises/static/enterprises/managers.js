// The record's form: add and remove safety-manager rows (a Django formset). No inline
// scripts (CSP). Without JavaScript one blank row is offered per save and "Remove" boxes work.
(function () {
  var box = document.getElementById("safety-managers");
  if (!box) return;
  var rows = box.querySelector(".manager-rows");
  var total = box.querySelector("input[name$='-TOTAL_FORMS']");
  var max = box.querySelector("input[name$='-MAX_NUM_FORMS']");
  var template = document.getElementById("manager-template");
  var add = document.getElementById("add-manager");

  function hideWhenRemoved(row) {
    var remove = row.querySelector("input[name$='-DELETE']");
    if (!remove) return;
    remove.addEventListener("change", function () {
      row.classList.toggle("removed", remove.checked);
    });
  }

  rows.querySelectorAll("[data-manager-row]").forEach(hideWhenRemoved);
  add.hidden = false;
  add.addEventListener("click", function () {
    var n = parseInt(total.value, 10);
    if (max && n >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(n));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    hideWhenRemoved(row);
    total.value = String(n + 1);
    var first = row.querySelector("input");
    if (first) first.focus();
  });
})();
