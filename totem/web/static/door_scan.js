// The event door's camera, a same-origin script so the CSP keeps `script-src 'self'`: where the browser has the
// BarcodeDetector API and a camera, a button reads a registration's QR code (the URL of this page with `?code=`,
// or the bare code) and sends the check-in form; elsewhere nothing shows and the code is typed in the plain form.
(function () {
  "use strict";
  var scan = document.getElementById("door-scan");
  var form = document.getElementById("door-form");
  var input = document.getElementById("f-code");
  if (!scan || !form || !input || !("BarcodeDetector" in window) ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (error) {
    return;
  }
  var toggle = document.getElementById("door-scan-toggle");
  var video = document.getElementById("door-video");
  var status = document.getElementById("door-scan-status");
  var stream = null;
  var timer = null;
  var KEEP = "totem-door-scanning";  // the camera comes back on after each check-in while the staff scans
  var LAST = "totem-door-last";  // the code just sent: the same QR code still before the camera is not sent again
  var SAME_CODE_PAUSE_MS = 8000;
  scan.hidden = false;

  function codeOf(text) {
    var match = /[?&]code=([A-Za-z0-9-]+)/.exec(text || "");
    return (match ? match[1] : (text || "")).replace(/[^A-Za-z0-9]/g, "").toUpperCase().slice(0, 12);
  }

  function stop(forget) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.hidden = true;
    toggle.textContent = scan.getAttribute("data-start-label");
    if (forget) { try { window.sessionStorage.removeItem(KEEP); } catch (error) { /* private mode */ } }
  }

  function justSent(code) {
    try {
      var last = JSON.parse(window.sessionStorage.getItem(LAST) || "null");
      return last && last.code === code && Date.now() - last.at < SAME_CODE_PAUSE_MS;
    } catch (error) {
      return false;
    }
  }

  function send(code) {
    try { window.sessionStorage.setItem(LAST, JSON.stringify({ code: code, at: Date.now() })); } catch (error) { /* private mode */ }
    stop(false);
    input.value = code;
    form.submit();
  }

  function tick() {
    detector.detect(video).then(function (found) {
      var code = found.length ? codeOf(found[0].rawValue) : "";
      if (code && !justSent(code)) {
        send(code);
        return;
      }
      timer = window.setTimeout(tick, 200);
    }).catch(function () { timer = window.setTimeout(tick, 500); });
  }

  function start() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      video.play();
      toggle.textContent = scan.getAttribute("data-stop-label");
      status.textContent = "";
      try { window.sessionStorage.setItem(KEEP, "1"); } catch (error) { /* private mode */ }
      tick();
    }).catch(function () {
      stop(true);
      status.textContent = scan.getAttribute("data-denied");
      input.focus();
    });
  }

  toggle.addEventListener("click", function () {
    if (stream) { stop(true); } else { start(); }
  });
  var keep = false;
  try { keep = window.sessionStorage.getItem(KEEP) === "1"; } catch (error) { keep = false; }
  if (keep) { start(); }
})();
