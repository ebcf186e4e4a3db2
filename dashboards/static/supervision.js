/* global window, document, fetch, DOMParser, location, setInterval, setTimeout, WebSocket */
/**
 * The supervision board's charts (ECharts, served by the hub) and its live figures: the charts are
 * drawn from the board's JSON API (the staff session's cookie is accepted there for reads), and every
 * time a ticket changes (the live socket, /api/v1/live) and every 30 seconds (a clock runs out with
 * no event) both the charts and the page's figures and lists are refreshed — unless the supervisor
 * is writing a 督办 instruction, which a refresh would throw away. The page works without this file.
 */
(function () {
  'use strict';
  var root = document.getElementById('supervision');
  if (!root) return;
  var words = JSON.parse(root.getAttribute('data-words') || '{}');
  var url = root.getAttribute('data-board-url');
  var charts = {};
  var REFRESH_MS = 30000;

  function chart(id) {
    var element = document.getElementById(id);
    if (!window.echarts || !element) return null;
    if (!charts[id]) charts[id] = window.echarts.init(element, null, { renderer: 'canvas' });
    return charts[id];
  }

  function departmentName(board, code) {
    if (!code) return words.noDepartment;
    var department = board.departments[code];
    if (!department) return code;
    return words.language === 'en' && department.nameEn ? department.nameEn : department.name;
  }

  function draw(board) {
    var volume = chart('chart-volume');
    if (volume) {
      volume.setOption(
        {
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 40, right: 16, top: 40, bottom: 28 },
          xAxis: {
            type: 'category',
            data: board.dailyVolume.rows.map(function (r) {
              return r.date.slice(5);
            }),
          },
          yAxis: { type: 'value', minInterval: 1 },
          series: board.dailyVolume.channels.map(function (channel) {
            return {
              name: words.channel[channel] || channel,
              type: 'bar',
              stack: 'volume',
              data: board.dailyVolume.rows.map(function (r) {
                return r.byChannel[channel];
              }),
            };
          }),
        },
        true,
      );
    }
    var statuses = Object.keys(board.counts.byStatus).filter(function (s) {
      return board.counts.byStatus[s] > 0;
    });
    var status = chart('chart-status');
    if (status) {
      status.setOption(
        {
          tooltip: {},
          grid: { left: 90, right: 16, top: 8, bottom: 24 },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: {
            type: 'category',
            axisLabel: { interval: 0 },
            data: statuses.map(function (s) {
              return words.status[s] || s;
            }),
          },
          series: [
            {
              name: words.count,
              type: 'bar',
              data: statuses.map(function (s) {
                return board.counts.byStatus[s];
              }),
            },
          ],
        },
        true,
      );
    }
    var channel = chart('chart-channel');
    if (channel) {
      channel.setOption(
        {
          tooltip: { trigger: 'item' },
          series: [
            {
              name: words.count,
              type: 'pie',
              radius: ['35%', '70%'],
              data: Object.keys(board.counts.byChannel)
                .filter(function (c) {
                  return board.counts.byChannel[c] > 0;
                })
                .map(function (c) {
                  return { name: words.channel[c] || c, value: board.counts.byChannel[c] };
                }),
            },
          ],
        },
        true,
      );
    }
    var department = chart('chart-department');
    if (department) {
      var rows = board.counts.byDepartment;
      department.setOption(
        {
          tooltip: {},
          grid: { left: 110, right: 16, top: 8, bottom: 24 },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: {
            type: 'category',
            axisLabel: { interval: 0 },
            inverse: true,
            data: rows.map(function (r) {
              return departmentName(board, r.department);
            }),
          },
          series: [
            {
              name: words.count,
              type: 'bar',
              data: rows.map(function (r) {
                return r.count;
              }),
            },
          ],
        },
        true,
      );
    }
    var bottlenecks = chart('chart-bottlenecks');
    if (bottlenecks) {
      var items = board.bottlenecks.items;
      bottlenecks.setOption(
        {
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 110, right: 16, top: 32, bottom: 24 },
          xAxis: { type: 'value' },
          yAxis: {
            type: 'category',
            axisLabel: { interval: 0 },
            inverse: true,
            data: items.map(function (r) {
              return departmentName(board, r.department);
            }),
          },
          series: [
            {
              name: words.median,
              type: 'bar',
              data: items.map(function (r) {
                return r.medianAgeHours;
              }),
            },
            {
              name: words.max,
              type: 'bar',
              data: items.map(function (r) {
                return r.maxAgeHours;
              }),
            },
          ],
        },
        true,
      );
    }
    root.classList.add('sv-drawn');
    root.setAttribute('data-drawn-at', board.generatedAt);
  }

  function loadCharts() {
    if (!window.echarts || !url) return;
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('board ' + response.status);
        return response.json();
      })
      .then(draw)
      .catch(function () {
        root.classList.remove('sv-drawn');
      });
  }

  /** A 督办 form in use: a refresh now would lose what the supervisor is writing. */
  function busy() {
    var active = document.activeElement;
    return Boolean(
      document.querySelector('#board-lists details[open]') ||
      (active && active.closest && active.closest('#board-lists form')),
    );
  }

  function refreshFigures() {
    if (busy()) return;
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok) throw new Error('page ' + response.status);
        return response.text();
      })
      .then(function (html) {
        if (busy()) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        ['board-kpis', 'board-lists'].forEach(function (id) {
          var next = fresh.getElementById(id);
          var current = document.getElementById(id);
          if (next && current) current.replaceWith(document.importNode(next, true));
        });
      })
      .catch(function () {
        /* The next refresh tries again; the page keeps what it shows. */
      });
  }

  function refresh() {
    loadCharts();
    refreshFigures();
  }

  /** Ticket events arrive in bursts (a command, its notifications): one refresh a second at most. */
  var pending = null;
  function soon() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      refresh();
    }, 1000);
  }

  function listen() {
    if (!window.WebSocket) return;
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var socket = new WebSocket(scheme + location.host + '/api/v1/live');
    socket.onmessage = soon;
    socket.onclose = function () {
      setTimeout(listen, 5000);
    };
  }

  loadCharts();
  listen();
  setInterval(refresh, REFRESH_MS);
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) {
      charts[id].resize();
    });
  });
})();
