// Draw one bar chart per countable question with the vendored ECharts; the tables beside them stay
// the accessible version (the charts are aria-hidden).
(function () {
  "use strict";
  function start() {
    var data = document.getElementById("survey-charts");
    if (!data || typeof window.echarts === "undefined") { return; }
    JSON.parse(data.textContent).forEach(function (chart) {
      var el = document.getElementById(chart.id);
      if (!el) { return; }
      el.style.height = Math.max(160, chart.labels.length * 36) + "px";
      var instance = window.echarts.init(el);
      instance.setOption({
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: chart.labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ type: "bar", data: chart.counts, itemStyle: { color: "#c8102e" }, label: { show: true, position: "right" } }],
        animation: false
      });
      window.addEventListener("resize", function () { instance.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
