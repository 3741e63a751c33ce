/* Charts of the cockpit (ECharts, served locally). Data come in #cp-data as JSON. */
(function () {
  var data = JSON.parse(document.getElementById("cp-data").textContent);
  var dark = document.body.classList.contains("screen");
  var text = dark ? "#cfe0f5" : "#334155";
  var grid = dark ? "#1f3b66" : "#e5eaf0";
  var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
  var charts = [];
  var L = document.documentElement.lang && document.documentElement.lang.indexOf("zh") === 0;
  function t(zh, en) { return L ? zh : en; }
  function make(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    var chart = echarts.init(el, null, {renderer: "canvas"});
    option.textStyle = {color: text, fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"};
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }
  function axis(extra) {
    return Object.assign({axisLine: {lineStyle: {color: grid}}, axisLabel: {color: text}, splitLine: {lineStyle: {color: grid}}}, extra || {});
  }
  if (data.trend) {
    make("chart-trend", {
      tooltip: {trigger: "axis"},
      legend: {data: [t("今年", "This year"), t("去年同期", "Last year")], textStyle: {color: text}, top: 0},
      grid: {left: 56, right: 12, top: 30, bottom: 24},
      xAxis: axis({type: "category", data: months}),
      yAxis: axis({type: "value"}),
      series: [
        {name: t("今年", "This year"), type: "bar", data: data.trend["this"], itemStyle: {color: dark ? "#3b82f6" : "#1d4e89"}, barMaxWidth: 18},
        {name: t("去年同期", "Last year"), type: "line", data: data.trend.last, smooth: true, itemStyle: {color: "#f59e0b"}, symbolSize: 4}
      ]
    });
  }
  var targets = months.map(function (_, i) { var v = data.starts.targets[i + 1]; return v === undefined ? null : v; });
  make("chart-starts", {
    tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; }},
    grid: {left: 44, right: 8, top: 12, bottom: 20},
    xAxis: axis({type: "category", data: months.map(function (m) { return m.replace("月", ""); })}),
    yAxis: axis({type: "value", max: 100, axisLabel: {color: text, formatter: "{value}%"}}),
    series: [
      {name: t("开工率", "Start rate"), type: "line", data: data.starts.rates.slice(0, data.starts.month), areaStyle: {opacity: .2}, itemStyle: {color: "#22c55e"}, symbolSize: 3},
      {name: t("目标", "Target"), type: "scatter", data: targets, symbol: "diamond", symbolSize: 9, itemStyle: {color: "#ef4444"}}
    ]
  });
  make("chart-funds", {
    tooltip: {trigger: "axis"},
    grid: {left: 4, right: 8, top: 6, bottom: 4, containLabel: true},
    xAxis: axis({type: "value", axisLabel: {show: false}, splitLine: {show: false}}),
    yAxis: axis({type: "category", data: data.funds.map(function (r) { return r.name; }), axisLabel: {color: text, fontSize: 10}, inverse: true}),
    series: [
      {name: t("已批复", "Approved"), type: "bar", data: data.funds.map(function (r) { return r.approved; }), itemStyle: {color: dark ? "#3b82f6" : "#93b4dc"}, barGap: "-100%", barMaxWidth: 12},
      {name: t("已支出", "Spent"), type: "bar", data: data.funds.map(function (r) { return r.spent; }), itemStyle: {color: "#22c55e"}, barMaxWidth: 12}
    ]
  });
  make("chart-funnel", {
    tooltip: {trigger: "item", formatter: "{b}: {c}"},
    series: [{type: "funnel", left: 4, right: 4, top: 4, bottom: 4, sort: "none", minSize: "12%", gap: 1,
      label: {show: true, position: "inside", color: "#fff", fontSize: 10, formatter: "{b} {c}"},
      itemStyle: {borderWidth: 0},
      color: ["#1e3a8a", "#1d4ed8", "#2563eb", "#3b82f6", "#60a5fa", "#22c55e", "#16a34a"],
      data: data.funnel}]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  var go = document.getElementById("go-screen");
  if (go && document.documentElement.requestFullscreen) {
    go.addEventListener("click", function () { document.documentElement.requestFullscreen().catch(function () {}); });
  }
})();
