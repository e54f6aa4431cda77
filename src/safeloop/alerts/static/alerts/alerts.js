// Warnings list: one box ticks every open warning on the page.
(function () {
  var all = document.getElementById("tick-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('#warning-table input[name="items"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
