/* The overview's charts, from the JSON the page carries (no inline script: the CSP allows only files from here). */
(function () {
  var el = document.getElementById('chart-data');
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var c = data.colors;
  // One row per bar, every label shown: the chart grows with the plan.
  function fit(el, rows) {
    el.style.height = Math.max(240, rows * 24 + 60) + 'px';
  }
  var units = document.getElementById('chart-units');
  if (units) {
    var u = data.units;
    fit(units, u.length);
    var series = [
      ['红灯', 'red'],
      ['黄灯', 'yellow'],
      ['绿灯', 'green'],
      ['已销号', 'closed'],
    ].map(function (s) {
      return {
        name: s[0],
        type: 'bar',
        stack: 'all',
        itemStyle: { color: c[s[1]] },
        label: { show: false },
        data: u.map(function (x) {
          return x[s[1]];
        }),
      };
    });
    echarts.init(units).setOption({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 16, top: 30, bottom: 20 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: u.map(function (x) {
          return x.unit;
        }),
        axisLabel: { interval: 0, width: 100, overflow: 'truncate' },
      },
      series: series,
    });
  }
  var problems = document.getElementById('chart-problems');
  if (problems) {
    fit(problems, data.problems.length);
    echarts.init(problems).setOption({
      tooltip: {
        trigger: 'axis',
        valueFormatter: function (v) {
          return v + '%';
        },
      },
      grid: { left: 150, right: 30, top: 10, bottom: 20 },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.problems.map(function (p) {
          return p.name;
        }),
        axisLabel: { interval: 0, width: 140, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 16,
          data: data.problems.map(function (p) {
            return p.rate;
          }),
          itemStyle: { color: c.green },
          label: { show: true, position: 'right', fontSize: 11, formatter: '{c}%' },
        },
      ],
    });
  }
  window.addEventListener('resize', function () {
    [units, problems].forEach(function (d) {
      var i = d && echarts.getInstanceByDom(d);
      if (i) i.resize();
    });
  });
  document.documentElement.setAttribute('data-charts', 'ready');
})();
