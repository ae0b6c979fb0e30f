// Behaviour the pages need beyond htmx, kept out of the markup so that the
// Content-Security-Policy can forbid inline script.
// A <select data-autosubmit> sends its form as soon as a choice is made.
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
    if (el.form.requestSubmit) el.form.requestSubmit();
    else el.form.submit();
  }
});
