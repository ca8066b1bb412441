// Loaded before textual.js, so the WebSocket it opens is the guarded one below.
//
// 1. textual.js sends (a resize, a focus) as soon as the terminal is built, which can be before its socket has
//    opened: the browser then throws "Still in CONNECTING state". Messages sent while connecting are queued
//    and sent on open, in order; messages sent after the close are dropped (the page says why it closed).
// 2. The server closes with a reason saying how the session ended (done, saved, takeover, expired, idle...);
//    the closed notice shows that reason's text, and "Continue" only where the link can still resume.
(function () {
  var Native = window.WebSocket;
  var ending = { code: 1006, reason: "" };

  function Guarded(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    var queue = [];
    var send = Native.prototype.send;
    ws.send = function (data) {
      if (ws.readyState === Native.CONNECTING) { queue.push(data); }
      else if (ws.readyState === Native.OPEN) { send.call(ws, data); }
    };
    ws.addEventListener("open", function () {
      queue.splice(0).forEach(function (data) { send.call(ws, data); });
    });
    ws.addEventListener("close", function (event) {
      ending = { code: event.code, reason: event.reason || "" };
      showEnding();
    });
    return ws;
  }
  Guarded.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Guarded[k] = Native[k]; });
  window.WebSocket = Guarded;

  function showEnding() {
    var items = document.querySelectorAll("#endings li");
    var exact = null, fallback = null;
    for (var i = 0; i < items.length; i += 1) {
      var reason = items[i].getAttribute("data-reason");
      if (reason === ending.reason) { exact = items[i]; }
      if (reason === "lost") { fallback = items[i]; }
    }
    var chosen = exact || fallback;
    var why = document.getElementById("why");
    var again = document.getElementById("restart");
    if (chosen && why) { why.textContent = chosen.textContent; }
    if (chosen && again) { again.hidden = chosen.getAttribute("data-resumable") !== "1"; }
    document.body.setAttribute("data-ending", ending.reason || "lost");
  }

  // Continue reloads the invitation page, which hands out a fresh one-time websocket ticket and resumes.
  window.addEventListener("DOMContentLoaded", function () {
    var again = function () { window.location.reload(); };
    ["start", "restart"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.addEventListener("click", again); }
    });
    // Owners should be able to type straight away, without first clicking into the terminal: focus it as
    // soon as the terminal has been built (it appears once the app connects), for a few seconds at most.
    var tries = 0;
    var timer = window.setInterval(function () {
      var input = document.querySelector(".xterm-helper-textarea");
      tries += 1;
      if (input) { input.focus({ preventScroll: true }); }
      if (input || tries > 50) { window.clearInterval(timer); }
    }, 100);
  });
}());
