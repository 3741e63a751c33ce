/* Problem statistics charts; data from <script type="application/json" id="chart-data">,
   series names from the data-* attributes of #chart-level. No inline script (CSP). */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data"), levelEl = document.getElementById("chart-level");
    if (!window.echarts || !source || !levelEl) return;
    var d = JSON.parse(source.textContent);
    var openLabel = levelEl.dataset.openLabel, closedLabel = levelEl.dataset.closedLabel;
    var level = window.echarts.init(levelEl);
    level.setOption({
      tooltip: { trigger: "axis" }, legend: { data: [openLabel, closedLabel] },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.levels }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: openLabel, type: "bar", stack: "a", data: d.open, itemStyle: { color: "#e0a800" } },
        { name: closedLabel, type: "bar", stack: "a", data: d.closed, itemStyle: { color: "#1a7f37" } }
      ]
    });
    var cat = window.echarts.init(document.getElementById("chart-category"));
    cat.setOption({ tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], data: d.categories, label: { formatter: "{b} {c}" } }] });
    window.addEventListener("resize", function () { level.resize(); cat.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
