// Reload the page every `data-refresh-seconds` of the script tag (the lobby screen), a same-origin script so the
// CSP keeps `script-src 'self'`; without JavaScript the page's "Refresh" link does it.
(function () {
  var seconds = parseInt(document.currentScript.getAttribute("data-refresh-seconds"), 10);
  if (seconds > 0) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
