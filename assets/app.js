/* OpenCCAS — the little JavaScript the pages use. Everything works without
 * it; this only makes htmx requests carry the CSRF token, asks before an
 * action that loses data, says a long action is under way (and does not
 * send it twice), unfolds the form a skip link leads to, folds the
 * main menu on a narrow screen, and moves focus to the error summary of a
 * refused form. */
(function () {
  'use strict';
  document.addEventListener('htmx:configRequest', function (e) {
    var t = document.body && document.body.getAttribute('data-csrf');
    if (t) { e.detail.headers['X-CSRF-Token'] = t; }
  });
  // Actions that lose data ask first (forms marked data-confirm).
  document.addEventListener('submit', function (e) {
    var f = e.target;
    var b = e.submitter;
    var msg = (b && b.getAttribute('data-confirm')) || (f && f.getAttribute && f.getAttribute('data-confirm'));
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  }, true);
  // A long action (forms marked data-busy) says it is under way, and is not
  // sent twice by a second click while the first runs.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (e.defaultPrevented || !f || !f.hasAttribute || !f.hasAttribute('data-busy')) { return; }
    if (f.getAttribute('aria-busy') === 'true') { e.preventDefault(); return; }
    f.setAttribute('aria-busy', 'true');
    var b = e.submitter || f.querySelector('button[type=submit]');
    if (b) { b.textContent = f.getAttribute('data-busy'); }
    var s = f.querySelector('[data-busy-status]');
    if (s) { s.textContent = f.getAttribute('data-busy'); }
  });
  // A skip link to a folded form (« Enregistrer un contact »): unfold it
  // and put the cursor in its first field.
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest && e.target.closest('a[data-open]');
    var t = a && document.getElementById(a.getAttribute('href').slice(1));
    if (!t) { return; }
    if (t.tagName === 'DETAILS') { t.open = true; }
    var field = t.querySelector('select, input:not([type=hidden]), textarea, button');
    if (field) { e.preventDefault(); field.focus(); }
  });
  document.addEventListener('DOMContentLoaded', function () {
    // On a narrow screen the main menu starts folded (it is open without JavaScript).
    var m = document.querySelector('details.menu');
    var narrow = m && window.matchMedia && window.matchMedia('(max-width: 47.99rem)');
    if (narrow) {
      m.open = !narrow.matches;
      narrow.addEventListener('change', function (q) { m.open = !q.matches; });
    }
    var s = document.getElementById('erreurs');
    if (s) { s.focus(); }
  });
})();
