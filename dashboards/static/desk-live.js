/* global window, document, location, WebSocket, fetch, DOMParser, setTimeout, clearTimeout, setInterval */
/*
 * The department desk's live updates (progressive: the pages work without this file, with their
 * refresh link). The hub's live socket (/api/v1/live, signed in by the session cookie) sends only
 * events of tickets the department may see — the server filters, never this script. On the inbox
 * an event refreshes the list (htmx, or fetch when htmx is missing); on a ticket page an event of
 * that ticket shows a "changed, reload" notice instead of reloading under someone's typing.
 */
(function () {
  'use strict';
  var inbox = document.getElementById('desk-inbox');
  var ticket = document.getElementById('desk-ticket');
  if (!inbox && !ticket) return;
  var number = ticket ? ticket.getAttribute('data-number') : null;
  var pending = null;
  var delay = 1000;
  var connected = false;

  function showLive() {
    var badge = document.getElementById('desk-live');
    if (badge) badge.hidden = !connected;
  }

  function refreshInbox() {
    var current = document.getElementById('desk-inbox');
    if (!current) return;
    if (window.htmx) {
      window.htmx.trigger(current, 'desk-refresh');
      return;
    }
    fetch(current.getAttribute('data-live-refresh'), { credentials: 'same-origin' })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('desk-inbox');
        if (fresh) current.replaceWith(document.importNode(fresh, true));
        showLive();
      })
      .catch(function () {});
  }

  // A burst of events (a clerk signing ten tickets) makes one refresh.
  function soon() {
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () {
      pending = null;
      refreshInbox();
    }, 800);
  }

  function onMessage(event) {
    var message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === 'hello') {
      connected = true;
      showLive();
      return;
    }
    if (inbox) soon();
    if (ticket && message.number === number) {
      var stale = document.getElementById('desk-stale');
      if (stale) stale.hidden = false;
    }
  }

  function connect() {
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var socket = new WebSocket(scheme + location.host + '/api/v1/live');
    socket.onmessage = onMessage;
    socket.onopen = function () {
      delay = 1000;
    };
    socket.onclose = function () {
      connected = false;
      showLive();
      // Back off up to a minute: the hub restarting, or the session gone (the next page load signs in).
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    };
  }

  document.body.addEventListener('htmx:afterSwap', showLive);
  // Countdowns move with the clock (a ticket transferred away sends a `ticket_left` message).
  if (inbox) {
    setInterval(function () {
      if (!document.hidden) refreshInbox();
    }, 60000);
  }
  if ('WebSocket' in window) connect();
})();
