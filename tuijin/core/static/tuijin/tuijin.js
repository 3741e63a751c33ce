/* Tuijin: the little behaviour pages need, without inline scripts. Pages work without it. */
(function () {
  "use strict";

  function autosubmit(root) {
    root.querySelectorAll("select.js-autosubmit, input.js-autosubmit").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  // Charts: <div data-chart="ID"> reads its options from <script type="application/json" id="ID">.
  function charts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var palette = ["#9fb8d8", "#1d4e89", "#c8102e", "#1a7f37"];
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        color: palette,
        grid: { left: 56, right: 16, top: 36, bottom: 28 },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v.toLocaleString() + " " + (spec.unit || ""); } },
        legend: { top: 0, right: 0, textStyle: { fontSize: 12 } },
        xAxis: { type: "category", data: spec.categories, axisTick: { show: false } },
        yAxis: { type: "value", name: spec.unit || "", nameTextStyle: { fontSize: 11 }, splitLine: { lineStyle: { color: "#eef2f7" } } },
        series: spec.series.map(function (s) { return { name: s.name, type: spec.kind || "bar", data: s.data, barMaxWidth: 18 }; })
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // <form data-confirm="…"> and <button data-confirm="…"> ask before going on (no inline onsubmit).
  function confirmations(root) {
    root.querySelectorAll("form[data-confirm], button[data-confirm], a[data-confirm]").forEach(function (el) {
      if (el.dataset.confirmBound) return;
      el.dataset.confirmBound = "1";
      el.addEventListener(el.tagName === "FORM" ? "submit" : "click", function (e) {
        if (!window.confirm(el.dataset.confirm)) { e.preventDefault(); e.stopImmediatePropagation(); }
      });
    });
  }

  function init(root) { autosubmit(root); confirmations(root); charts(root); }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  window.addEventListener("load", function () { charts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
