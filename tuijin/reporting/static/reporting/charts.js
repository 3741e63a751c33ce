/* Reporting charts, without inline scripts (content security policy). Data come from
   json_script elements; series names and units from data-* attributes of the chart elements.
   The forecast panel arrives through htmx, so charts are drawn on load and after each swap. */
(function () {
  "use strict";

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function init(el) {
    if (el.dataset.drawn) return null;
    el.dataset.drawn = "1";
    var chart = window.echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  var palette = ["#cbd5e1", "#94a3b8", "#64748b", "#6a9bd8", "#c8102e"];

  function town(root) {
    var el = root.querySelector("#chart-town"), d = json("series-data");
    if (!el || !d) return;
    var chart = init(el);
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: "category", data: d.months }, yAxis: { type: "value", name: el.dataset.unit },
      series: d.years.map(function (y, i) {
        return { name: y.name, type: "line", smooth: true, data: y.data, lineStyle: { width: i === d.years.length - 1 ? 3 : 1.5 } };
      })
    });
  }

  function trends(root) {
    var monthly = root.querySelector("#chart-monthly"), s = json("series-data"), g = json("growth-data");
    if (!monthly || !s || !g) return;
    var unit = monthly.dataset.unit;
    var c1 = init(monthly);
    if (!c1) return;
    c1.setOption({
      color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: s.months }, yAxis: { type: "value", name: unit },
      series: s.years.map(function (y, i) { return { name: y.name, type: i === s.years.length - 1 ? "bar" : "line", smooth: true, data: y.data }; })
    });
    var c2 = init(root.querySelector("#chart-cumulative"));
    c2.setOption({
      color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 70, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: s.months }, yAxis: { type: "value", name: unit },
      series: s.years.map(function (y, i) {
        var t = 0;
        return { name: y.name, type: "line", smooth: true, lineStyle: { width: i === s.years.length - 1 ? 3 : 1.5 },
          data: y.data.map(function (v) { t += v; return Math.round(t); }) };
      })
    });
    var townsEl = root.querySelector("#chart-towns"), c3 = init(townsEl);
    c3.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 70, right: 60, top: 40, bottom: 70 },
      xAxis: { type: "category", data: g.names, axisLabel: { rotate: 45 } },
      yAxis: [{ type: "value", name: unit }, { type: "value", name: "%", splitLine: { show: false } }],
      series: [
        { name: townsEl.dataset.lastYear, type: "bar", data: g.last, itemStyle: { color: "#cbd5e1" } },
        { name: townsEl.dataset.thisYear, type: "bar", data: g.ytd, itemStyle: { color: "#1d4e89" } },
        { name: townsEl.dataset.growth, type: "line", yAxisIndex: 1, data: g.growth, itemStyle: { color: "#c8102e" } }
      ]
    });
  }

  function forecast(root) {
    var el = root.querySelector("#chart-county"), d = json("chart-data");
    if (!el || !d) return;
    var chart = init(el);
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: "category", data: d.months }, yAxis: { type: "value", name: el.dataset.unit },
      series: [
        { name: String(d.year - 1), type: "line", data: d.last, smooth: true, itemStyle: { color: "#94a3b8" } },
        { name: String(d.year), type: "bar", data: d.this, itemStyle: { color: "#1d4e89" } }
      ]
    });
  }

  function draw(root) {
    if (!window.echarts) return;
    town(root); trends(root); forecast(root);
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function () { draw(document); });
})();
