/* Dashboard charts: each figure's rows come as JSON (json_script) next to its table; every
   point links to the same list as the table's number. No inline script (CSP). */
(function () {
  "use strict";

  function option(d) {
    var base = {
      tooltip: { trigger: d.type === "pie" ? "item" : "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 36, bottom: 48, containLabel: true },
      animation: false
    };
    if (d.colours && d.colours.length) { base.color = d.colours; }
    if (d.type === "pie") {
      base.series = [{
        type: "pie", radius: ["35%", "65%"], top: 24,
        data: d.categories.map(function (c, i) {
          var p = d.series[0].data[i];
          return { name: c, value: p.value, url: p.url };
        })
      }];
      return base;
    }
    base.xAxis = { type: "category", data: d.categories, axisLabel: { rotate: d.categories.length > 8 ? 45 : 0 } };
    base.yAxis = { type: "value" };
    base.series = d.series.filter(function (s) {
      return s.data.every(function (p) { return p.value === null || p.value >= 0; });
    }).filter(function (s) {
      // Rates (percent) are shown in the table; the bar chart compares counts.
      return !/%/.test(s.name);
    }).map(function (s) {
      // One colour per category (the four risk colours) when there is one series.
      var perPoint = d.series.length === 1 && d.colours && d.colours.length === d.categories.length;
      return {
        name: s.name,
        type: d.type === "line" ? "line" : "bar",
        stack: d.type === "stacked" ? "all" : undefined,
        data: s.data.map(function (p, i) {
          var point = { value: p.value, url: p.url };
          if (perPoint) { point.itemStyle = { color: d.colours[i] }; }
          return point;
        })
      };
    });
    return base;
  }

  var charts = [];
  document.querySelectorAll(".dash-chart").forEach(function (el) {
    var source = document.getElementById("chart-data-" + el.dataset.chart);
    if (!source || !window.echarts) { return; }
    var d = JSON.parse(source.textContent);
    var anything = d.series.some(function (s) {
      return s.data.some(function (p) { return p.value !== null && p.value !== 0; });
    });
    if (!anything) {  // all zero: a pie of equal slices or flat bars would mislead
      el.textContent = el.dataset.empty;
      el.classList.add("dash-empty");
      el.dataset.rendered = "empty";
      return;
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(d));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    el.dataset.rendered = "true";
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  document.querySelectorAll(".dash-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var card = document.getElementById(button.dataset.target);
      var chart = card.querySelector(".dash-chart");
      var table = card.querySelector(".dash-table");
      var showTable = table.hidden;
      table.hidden = !showTable;
      if (chart) { chart.hidden = showTable; }
      button.textContent = showTable ? button.dataset.chartLabel : button.dataset.tableLabel;
    });
  });
})();
