/* OpenCCAS — the little JavaScript the pages use. Everything works without
 * it; this only makes htmx requests carry the CSRF token and moves focus to
 * the error summary of a refused form. */
(function () {
  'use strict';
  document.addEventListener('htmx:configRequest', function (e) {
    var t = document.body && document.body.getAttribute('data-csrf');
    if (t) { e.detail.headers['X-CSRF-Token'] = t; }
  });
  // Actions that lose data ask first (forms marked data-confirm).
  document.addEventListener('submit', function (e) {
    var f = e.target;
    var msg = f && f.getAttribute && f.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  }, true);
  document.addEventListener('DOMContentLoaded', function () {
    var s = document.getElementById('erreurs');
    if (s) { s.focus(); }
  });
})();
