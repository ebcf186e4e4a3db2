/* global document, window, fetch, URLSearchParams */
/*
 * The imports page's upload (progressive: the hub registers no multipart parser, so the chosen file
 * goes up as the request's body, as the staff API takes it). The page's CSRF token travels in the
 * X-CSRF-Token header; the answer names the import's page, which follows its progress. Without this
 * script the button stays disabled and the page says uploading needs JavaScript.
 */
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  if (!form || typeof fetch !== 'function') return;
  var button = document.getElementById('import-submit');
  var problem = document.getElementById('import-problem');
  var file = document.getElementById('import-file');
  var label = button.textContent;
  button.disabled = false;

  function say(text) {
    problem.textContent = text;
    problem.hidden = !text;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var chosen = file.files && file.files[0];
    if (!chosen) {
      say(form.getAttribute('data-no-file'));
      return;
    }
    var query = new URLSearchParams({
      kind: form.elements.kind.value,
      mode: form.elements.mode.value,
      name: chosen.name,
    });
    button.disabled = true;
    button.textContent = form.getAttribute('data-sending');
    say('');
    fetch(form.getAttribute('action') + '?' + query.toString(), {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/octet-stream',
        'x-csrf-token': form.getAttribute('data-csrf'),
      },
      body: chosen,
    })
      .then(function (response) {
        return response.json().then(
          function (answer) {
            return { ok: response.ok, answer: answer };
          },
          function () {
            return { ok: false, answer: {} };
          },
        );
      })
      .then(function (result) {
        if (result.ok && result.answer.location) {
          window.location.assign(result.answer.location);
          return;
        }
        say(result.answer.message || form.getAttribute('data-failed'));
        button.disabled = false;
        button.textContent = label;
      })
      .catch(function () {
        say(form.getAttribute('data-failed'));
        button.disabled = false;
        button.textContent = label;
      });
  });
})();
