/* global document */
// The simulator's phone keypad (progressive: without script the tester types the keys). Each key
// adds its digit to the keys field; the page posts them with the "Press" button, as a phone sends
// the digits of a <Gather> together. No inline script: the pages' policy allows none.
(function () {
  'use strict';
  var pad = document.getElementById('keypad');
  var field = document.getElementById('digits');
  if (!pad || !field) return;
  var keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
  keys.forEach(function (key) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'key';
    button.textContent = key;
    button.setAttribute('data-key', key);
    button.addEventListener('click', function () {
      if (field.value.length < 20) field.value += key;
      field.focus();
    });
    pad.appendChild(button);
  });
  pad.hidden = false;
})();
