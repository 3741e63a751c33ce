/* Clusters: income charts and the weight sum of the rule form, without inline scripts.
   A chart is <div data-cluster-chart="KIND" data-source="ID" data-label-*="…">; its data is
   in <script type="application/json" id="ID"> written by Django's json_script. */
(function () {
  "use strict";

  function data(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source) return null;
    var d = JSON.parse(source.textContent);
    return typeof d === "string" ? JSON.parse(d) : d;
  }

  var builders = {
    cluster: function (d, l) {
      return {
        grid: { left: 60, right: 50, top: 30, bottom: 30 }, tooltip: { trigger: "axis" },
        legend: { data: [l.income, l.growth], top: 0 },
        xAxis: { type: "category", data: d.years },
        yAxis: [{ type: "value", name: l.unit }, { type: "value", name: "%", splitLine: { show: false } }],
        series: [
          { name: l.income, type: "bar", data: d.totals, itemStyle: { color: "#1d4e89" }, barMaxWidth: 36 },
          { name: l.growth, type: "line", yAxisIndex: 1, data: d.growth, itemStyle: { color: "#c8102e" }, label: { show: true, formatter: "{c}%" } }
        ]
      };
    },
    company: function (d, l) {
      return {
        grid: { left: 55, right: 10, top: 30, bottom: 25 }, tooltip: { trigger: "axis" },
        legend: { top: 0, data: [l.income, l.distributable] },
        xAxis: { type: "category", data: d.years }, yAxis: { type: "value", name: l.unit },
        series: [
          { name: l.income, type: "bar", data: d.income, itemStyle: { color: "#1d4e89" }, barMaxWidth: 30 },
          { name: l.distributable, type: "bar", data: d.distributable, itemStyle: { color: "#1a7f37" }, barMaxWidth: 30 }
        ]
      };
    }
  };

  function charts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-cluster-chart]").forEach(function (el) {
      var d = data(el), build = builders[el.dataset.clusterChart];
      if (!d || !build) return;
      var labels = {
        income: el.dataset.labelIncome, growth: el.dataset.labelGrowth,
        distributable: el.dataset.labelDistributable, unit: el.dataset.labelUnit
      };
      var chart = window.echarts.init(el);
      chart.setOption(build(d, labels));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function weightSum() {
    var out = document.getElementById("weight-sum");
    if (!out) return;
    var inputs = document.querySelectorAll('input[name^="weight_"]');
    function sum() {
      var total = 0;
      inputs.forEach(function (i) { total += Math.round((parseFloat(i.value) || 0) * 1e6); });
      out.textContent = out.dataset.label + ": " + (total / 1e6);
      out.style.color = total === 1e6 ? "#1a7f37" : "#c62828";
    }
    inputs.forEach(function (i) { i.addEventListener("input", sum); });
    sum();
  }

  document.addEventListener("DOMContentLoaded", function () { charts(); weightSum(); });
})();
