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

// After a form comes back with errors (422), the first wrong field is
// scrolled into view and focused, on a page load and after an htmx swap.
// Templates mark such fields aria-invalid="true"; a control in a block that
// shows an error (.has-error, .field-error, or beside a p.error) is marked
// here too, for forms written without the field macros.
var CONTROL = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

function markInvalid(root) {
  root.querySelectorAll(".has-error, .field-error, p.error:not([role=alert])").forEach(function (block) {
    var box = block.matches("p.error") ? block.closest(".field, form, td, li") : block;
    var control = box && (box.matches(CONTROL) ? box : box.querySelector(CONTROL));
    if (control && !control.hasAttribute("aria-invalid")) {
      control.setAttribute("aria-invalid", "true");
      if (block.id && !control.hasAttribute("aria-describedby")) control.setAttribute("aria-describedby", block.id);
    }
  });
}

function focusFirstInvalid() {
  var main = document.querySelector("main") || document.body;
  markInvalid(main);
  var el = main.querySelector('[aria-invalid="true"]') || main.querySelector("p.error");
  if (!el) return;
  if (!el.matches(CONTROL)) el.setAttribute("tabindex", "-1");
  el.scrollIntoView({ block: "center" });
  el.focus({ preventScroll: true });
}

document.addEventListener("DOMContentLoaded", focusFirstInvalid);
document.addEventListener("htmx:afterSettle", function (e) {
  // Only a form's answer with errors: a part of a page refreshed while the
  // user types (a preview, a search) keeps the focus where it is.
  if (e.detail && e.detail.xhr && e.detail.xhr.status === 422) setTimeout(focusFirstInvalid, 0);
});

// The word after a change ("已保存") is said once: a page restored from
// htmx's history comes back without it.
document.addEventListener("htmx:beforeHistorySave", function () {
  document.querySelectorAll("main .flash").forEach(function (el) { el.remove(); });
});

// A print view's 打印 button (data-print) opens the browser's print dialog.
document.addEventListener("click", function (e) {
  var el = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
  if (el) {
    e.preventDefault();
    window.print();
  }
});
