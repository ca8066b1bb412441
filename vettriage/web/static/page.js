// Restart reloads the invitation page, which hands out a fresh one-time websocket ticket and resumes.
window.addEventListener("DOMContentLoaded", function () {
  var again = function () { window.location.reload(); };
  ["start", "restart"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener("click", again); }
  });
});
