// Restart reloads the invitation page, which hands out a fresh one-time websocket ticket and resumes.
window.addEventListener("DOMContentLoaded", function () {
  var again = function () { window.location.reload(); };
  ["start", "restart"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener("click", again); }
  });
  // Owners should be able to type straight away, without first clicking into the terminal: focus it as soon
  // as the terminal has been built (it appears once the app connects), for a few seconds at most.
  var tries = 0;
  var timer = window.setInterval(function () {
    var input = document.querySelector(".xterm-helper-textarea");
    tries += 1;
    if (input) { input.focus({ preventScroll: true }); }
    if (input || tries > 50) { window.clearInterval(timer); }
  }, 100);
});
