/* Starts and approvals: cumulative start rate against the targets. Data from json_script
   elements (#starts-rates, #starts-targets), labels from data-* attributes of #starts-chart. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("starts-chart");
    if (!window.echarts || !el) return;
    var rates = JSON.parse(document.getElementById("starts-rates").textContent).map(function (v) { return v === null ? null : Number(v); });
    var targets = JSON.parse(document.getElementById("starts-targets").textContent);
    if (typeof targets === "string") targets = JSON.parse(targets);
    var actual = el.dataset.labelActual, target = el.dataset.labelTarget;
    var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { data: [actual, target] },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: actual, type: "line", data: rates, smooth: true, areaStyle: { opacity: 0.15 }, itemStyle: { color: "#1d4e89" } },
        { name: target, type: "line", step: "end", data: months.map(function (_, i) { return targets[i + 1] !== undefined ? targets[i + 1] : null; }), connectNulls: true, lineStyle: { type: "dashed" }, itemStyle: { color: "#c8102e" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
