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
  /*
   * Axis labels: a problem's number is never cut, a long title is shortened after it (the whole
   * title is in the tooltip and the table under the chart). They used to lose their first
   * characters ("16." read "6.") on a browser set up for Chinese: ECharts measured them in
   * `sans-serif` on a canvas outside the page, where ‘’“” came from a Latin font, narrow, and drew
   * them in the page in a CJK font, full-width, past the chart's edge. Now they are (1) in the
   * page's own fonts (app.css), named, so that every canvas takes the same one; (2) shortened here,
   * measured on a canvas in the page; (3) aligned on the chart's left edge, so that where the
   * number stands depends on no measure at all.
   */
  var LABEL = { fontSize: 12, fontFamily: window.getComputedStyle(document.body).fontFamily || 'sans-serif' };
  var ruler = document.createElement('canvas');
  ruler.width = ruler.height = 0;
  ruler.setAttribute('aria-hidden', 'true');
  document.body.appendChild(ruler);
  var pen = ruler.getContext('2d');
  pen.font = LABEL.fontSize + 'px ' + LABEL.fontFamily;
  /** `keep` (a problem's number) whole, then as much of `text` as fits in `width` px, … where it is cut. */
  function label(keep, text, width) {
    if (pen.measureText(keep + text).width <= width) return keep + text;
    var chars = Array.from(text);
    for (var n = chars.length - 1; n > 0; n--) {
      var s = keep + chars.slice(0, n).join('') + '…';
      if (pen.measureText(s).width <= width) return s;
    }
    return keep ? keep.trim() : chars[0] + '…';
  }
  /** A category axis whose labels start at the chart's left edge and end `gap` px before the axis at `left`. */
  var EDGE = 4;
  // Where each chart's axis stands: the room its labels have.
  var UNITS_LEFT = 110;
  var PROBLEMS_LEFT = 150;
  var GAP = 8;
  function categoryAxis(left, names, text) {
    return {
      type: 'category',
      inverse: true,
      // The whole name is the category: the tooltip shows it.
      data: names,
      axisLabel: {
        interval: 0,
        align: 'left',
        margin: left - EDGE,
        fontSize: LABEL.fontSize,
        fontFamily: LABEL.fontFamily,
        formatter: function (_name, i) {
          return text(i, left - EDGE - GAP);
        },
      },
    };
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
      // Each light a pattern as well as a colour (and its word in the legend): never colour alone.
      // The page's own aria-label stays: the table under the chart has the figures.
      aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: UNITS_LEFT, right: 16, top: 30, bottom: 20 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: categoryAxis(
        UNITS_LEFT,
        u.map(function (x) {
          return x.unit;
        }),
        function (i, width) {
          return label('', u[i].unit, width);
        },
      ),
      series: series,
    });
  }
  var problems = document.getElementById('chart-problems');
  if (problems) {
    var p = data.problems;
    fit(problems, p.length);
    echarts.init(problems).setOption({
      tooltip: {
        trigger: 'axis',
        valueFormatter: function (v) {
          return v + '%';
        },
      },
      // Room on the right for a full bar's label (100%).
      grid: { left: PROBLEMS_LEFT, right: 48, top: 10, bottom: 20 },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: categoryAxis(
        PROBLEMS_LEFT,
        p.map(function (x) {
          return x.no + '. ' + x.title;
        }),
        function (i, width) {
          return label(p[i].no + '. ', p[i].title, width);
        },
      ),
      series: [
        {
          type: 'bar',
          barMaxWidth: 16,
          data: p.map(function (x) {
            return x.rate;
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
