/* Horse race: the trend of a unit's total and rank (bars and a line on an inverted axis). */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("trend");
    var source = document.getElementById("trend-data");
    if (!el || !source || !window.echarts || el.dataset.drawn) return;
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [data.total_label, data.rank_label] },
      grid: { left: 44, right: 44, top: 40, bottom: 28 },
      xAxis: { type: "category", data: data.periods, axisTick: { show: false } },
      yAxis: [
        { type: "value", name: data.points_label, min: 0, splitLine: { lineStyle: { color: "#eef2f7" } } },
        { type: "value", name: data.rank_label, inverse: true, min: 1, minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: data.total_label, type: "bar", data: data.totals, barMaxWidth: 36, itemStyle: { color: "#1d4e89" },
          label: { show: true, position: "top" } },
        { name: data.rank_label, type: "line", yAxisIndex: 1, data: data.ranks, itemStyle: { color: "#c8102e" },
          label: { show: true, formatter: "{c}" } }
      ]
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("load", draw);
})();
