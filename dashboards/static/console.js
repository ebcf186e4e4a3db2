/* global document, window, location, setTimeout, setInterval, CustomEvent, WebSocket */
// The operator console's live part (progressive: the page works without it, with its refresh link).
// It opens the hub's live socket (/api/v1/live, the staff session cookie) and, when a call changes,
// fires `calls-changed`, on which htmx refetches the calls table; it also keeps the waiting times
// ticking and marks the open call as ended. No inline script: the pages' policy allows none.
(function () {
  'use strict';
  var status = document.getElementById('live-status');
  var callState = document.getElementById('call-state');

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }
  function tick() {
    var cells = document.querySelectorAll('[data-since]');
    var now = Date.now();
    for (var i = 0; i < cells.length; i++) {
      var since = Date.parse(cells[i].getAttribute('data-since'));
      if (isNaN(since)) continue;
      var seconds = Math.max(0, Math.floor((now - since) / 1000));
      cells[i].textContent = Math.floor(seconds / 60) + ':' + pad(seconds % 60);
    }
  }
  setInterval(tick, 1000);

  function show(on) {
    if (status) status.textContent = status.getAttribute(on ? 'data-on' : 'data-off');
  }
  function changed(message) {
    document.body.dispatchEvent(new CustomEvent('calls-changed', { detail: message }));
    if (
      callState &&
      message.callSid === callState.getAttribute('data-call-sid') &&
      message.state === 'ended'
    ) {
      callState.textContent = callState.getAttribute('data-ended');
      callState.className = 'badge state-ended';
      var note = document.getElementById('call-ended-live');
      if (note) {
        note.textContent = callState.getAttribute('data-ended-note');
        note.hidden = false;
      }
    }
  }

  if (!window.WebSocket || (!status && !callState)) return;
  var wait = 1000;
  function connect() {
    var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    var socket = new WebSocket(scheme + '//' + location.host + '/api/v1/live');
    socket.onopen = function () {
      wait = 1000;
      show(true);
      // Whatever changed while we were away.
      document.body.dispatchEvent(new CustomEvent('calls-changed'));
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && message.type === 'call') changed(message);
    };
    socket.onclose = function () {
      show(false);
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 30000);
    };
  }
  show(false);
  connect();
})();
