/* Type-to-find for long selects (core.widgets.SearchableSelect).
 *
 * A search box is put before each select[data-searchable]; typing keeps only the options whose
 * data-search (name, pinyin initials, code) contains every word typed. The chosen option always
 * stays, so a form sent back with an error keeps its choice. Without this script the select
 * works as it is.
 */
(function () {
  "use strict";
  function enhance(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    var all = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = select.dataset.placeholder || "";
    box.setAttribute("aria-label", select.dataset.placeholder || "");
    box.setAttribute("aria-controls", select.id || "");
    box.autocomplete = "off";
    var none = document.createElement("div");
    none.className = "picker-none muted";
    none.textContent = select.dataset.none || "";
    none.hidden = true;
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(none, select.nextSibling);

    function filter() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var shown = 0;
      while (select.options.length) select.remove(0);
      all.forEach(function (option) {
        var text = (option.dataset.search || option.text).toLowerCase();
        var hit = !option.value || option.value === chosen ||
          words.every(function (w) { return text.indexOf(w) !== -1; });
        if (hit) {
          select.add(option);
          if (option.value && option.value !== chosen) shown++;
        }
      });
      none.hidden = !words.length || shown > 0;
      if (words.length && shown === 1 && !chosen) {
        all.some(function (o) {
          if (o.value && o.parentNode === select) { select.value = o.value; return true; }
          return false;
        });
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }
  function run() {
    document.querySelectorAll("select[data-searchable]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  document.addEventListener("htmx:afterSwap", run);
})();
