/* Type-to-find for long selects (core.widgets.SearchableSelect).
 *
 * A search box is put before each select[data-searchable]; typing keeps only the options whose
 * data-search (name, pinyin initials, code) contains every word typed. A select too long to
 * draw whole carries data-source, the page that drew it: typing asks that page again with
 * _pick=<the select's name>&_find=<what was typed> and takes the options of the same select
 * from the answer (the server searches the form's own list). The chosen option always stays,
 * so a form sent back with an error keeps its choice. Without this script the select works as
 * it is.
 */
(function () {
  "use strict";
  function words(text) {
    return text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  }
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

    function current() {
      return Array.prototype.filter.call(select.selectedOptions, function (o) { return o.value; });
    }
    function show(options, typed) {
      var chosen = {};
      current().forEach(function (o) { chosen[o.value] = true; });
      var shown = 0;
      var kept = {};
      while (select.options.length) select.remove(0);
      options.forEach(function (option) {
        if (kept[option.value]) return;
        var text = (option.dataset.search || option.text).toLowerCase();
        var hit = !option.value || chosen[option.value] ||
          typed.every(function (w) { return text.indexOf(w) !== -1; });
        if (hit) {
          kept[option.value] = true;
          option.selected = !!chosen[option.value];
          select.add(option);
          if (option.value && !chosen[option.value]) shown++;
        }
      });
      none.hidden = !typed.length || shown > 0;
      if (typed.length && shown === 1 && !select.value && !select.multiple) {
        Array.prototype.some.call(select.options, function (o) {
          if (o.value) { select.value = o.value; return true; }
          return false;
        });
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    var source = select.dataset.source;
    var asked = 0;
    var timer = null;
    function ask() {
      var text = box.value.trim();
      var mine = ++asked;
      var blank = all.filter(function (o) { return !o.value; });
      if (!text) { show(blank.concat(current(), all), []); return; }
      var url = new URL(source, window.location.href);
      url.searchParams.set("_pick", select.name);
      url.searchParams.set("_find", text);
      fetch(url.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (mine !== asked) return;  // a later search is on its way
          var page = new DOMParser().parseFromString(html, "text/html");
          var found = page.querySelector('select[name="' + CSS.escape(select.name) + '"]');
          var fetched = Array.prototype.map.call(found ? found.options : [], function (o) {
            return document.importNode(o, true);
          }).filter(function (o) { return o.value; });
          // The server searched: every word typed need not be in an option's label.
          show(blank.concat(current(), fetched), []);
          var fresh = fetched.filter(function (o) {
            return o.parentNode === select && !o.selected;
          });
          none.hidden = fresh.length > 0;
          if (fresh.length === 1 && !select.value && !select.multiple) {
            select.value = fresh[0].value;
            select.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
    }

    if (source !== undefined) {
      box.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(ask, 250);
      });
    } else {
      box.addEventListener("input", function () { show(all, words(box.value)); });
    }
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
