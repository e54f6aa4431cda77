// The retrodiction's gain curves: share of majors found against share of enterprises visited.
(function () {
  var source = document.getElementById("prediction-chart");
  var el = document.getElementById("gain-chart");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(JSON.parse(source.textContent));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var x = data.curves.model.map(function (_, i) { return Math.round(i * 100 / (data.curves.model.length - 1)) + "%"; });
  var series = ["model", "rules", "random"].map(function (key) {
    return { name: data.labels[key], type: "line", smooth: false, showSymbol: false,
             data: data.curves[key].map(function (v) { return Math.round(v * 1000) / 10; }) };
  });
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 48 },
    xAxis: { type: "category", data: x, name: data.x, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" }, name: data.y },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
