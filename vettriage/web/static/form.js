// A little help, never required: every page works with JavaScript off.
// One tap answers: tapping (or clicking) a radio button sends the form, as "Next" would. Only a pointer's
// click does this (event.detail > 0); choosing with the arrow keys never sends the form by surprise.
// A checklist's "none of these" clears the other ticks, and another tick clears it.
document.addEventListener("click", function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement)) { return; }
  var form = input.form;
  if (!form) { return; }
  if (input.type === "radio" && event.detail > 0 && form.classList.contains("radio")) {
    var next = form.querySelector("button[value=next]");
    if (next && form.requestSubmit) { form.requestSubmit(next); }
  }
  if (input.type === "checkbox" && input.checked) {
    var boxes = form.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      var other = boxes[i];
      if (other !== input && (input.dataset.exclusive || other.dataset.exclusive)) { other.checked = false; }
    }
  }
});
