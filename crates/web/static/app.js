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

// The activity form (#activity-form) shows the sections its kind needs. The
// table (kind code → section names) comes from the server in data-sections;
// a section whose fields hold something stays shown, and hidden ones stay in
// the form, so switching the kind never drops what was typed.
function sectionHoldsData(el) {
  var controls = el.matches(CONTROL) ? [el] : Array.prototype.slice.call(el.querySelectorAll(CONTROL));
  return controls.some(function (c) {
    var row = c.closest("#participants tbody tr");
    if (row) {
      var pick = row.querySelector("input[name=person]");
      if (!pick || !pick.checked) return false;
    }
    if (c.type === "checkbox" || c.type === "radio") return c.checked;
    if (c.type === "file" || c.type === "search") return false;
    var v = (c.value || "").trim();
    return v !== "" && v !== "0" && v !== c.getAttribute("data-neutral");
  });
}

function applySections(form) {
  var table;
  try { table = JSON.parse(form.getAttribute("data-sections") || "{}"); } catch (err) { return; }
  var kind = form.querySelector("[name=kind]");
  var code = kind ? kind.value : "";
  var wanted = table[code] || table["*"] || [];
  var shown = {};
  wanted.forEach(function (s) { shown[s] = true; });
  form.querySelectorAll("[data-section]").forEach(function (el) {
    var name = el.getAttribute("data-section");
    if (!shown[name] && sectionHoldsData(el)) shown[name] = true;
  });
  form.querySelectorAll("[data-section]").forEach(function (el) {
    el.hidden = !shown[el.getAttribute("data-section")];
  });
  form.querySelectorAll("[data-section-off]").forEach(function (el) {
    el.hidden = !!shown[el.getAttribute("data-section-off")];
  });
  var copy = document.getElementById("copy-last");
  if (copy) copy.setAttribute("href", "/activities/new?copy=last&kind=" + encodeURIComponent(code));
}

// The attendance picker: 应到 (chosen), 实到 (present), 请假 (on leave), live.
function countAttendance(box) {
  var n = { expected: 0, present: 0, leave: 0 };
  box.querySelectorAll("tbody tr").forEach(function (row) {
    var pick = row.querySelector("input[name=person]");
    if (!pick || !pick.checked) return;
    n.expected += 1;
    var a = row.querySelector("select[name^=attendance_]");
    var v = a ? a.value : "present";
    if (v === "present") n.present += 1;
    if (v === "leave") n.leave += 1;
  });
  box.querySelectorAll("[data-count]").forEach(function (el) {
    el.textContent = String(n[el.getAttribute("data-count")] || 0);
  });
}

function setUpPicker(root) {
  var box = root.id === "participants" ? root : root.querySelector("#participants");
  if (!box) return;
  box.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  countAttendance(box);
  var form = box.closest("#activity-form");
  if (form) applySections(form);
}

document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("activity-form");
  if (form) {
    applySections(form);
    setUpPicker(form);
  }
});
document.addEventListener("htmx:afterSwap", function (e) {
  if (e.target && e.target.closest) setUpPicker(e.target.closest("#participants") || e.target);
});
document.addEventListener("change", function (e) {
  var el = e.target;
  if (!el || !el.closest) return;
  var form = el.closest("#activity-form");
  if (!form) return;
  if (el.name === "kind") applySections(form);
  var box = el.closest("#participants");
  if (box) countAttendance(box);
});
// The picker's filter shows the people whose name, pinyin or initials hold
// what was typed; 全选 / 全不选 act on those shown; a preset chooses exactly
// its members.
document.addEventListener("input", function (e) {
  var el = e.target;
  if (!el || !el.matches || !el.matches("#participants .picker-search")) return;
  var q = el.value.replace(/\s+/g, "").toLowerCase();
  el.closest("#participants").querySelectorAll("tbody tr").forEach(function (row) {
    row.hidden = q !== "" && (row.getAttribute("data-keys") || "").indexOf(q) < 0;
  });
});
document.addEventListener("click", function (e) {
  var el = e.target && e.target.closest ? e.target.closest("#participants [data-pick], #participants [data-preset]") : null;
  if (!el) return;
  e.preventDefault();
  var box = el.closest("#participants");
  var pick = el.getAttribute("data-pick");
  var members = (el.getAttribute("data-preset") || "").split(" ");
  box.querySelectorAll("tbody tr").forEach(function (row) {
    var input = row.querySelector("input[name=person]");
    if (!input) return;
    if (pick) {
      if (!row.hidden) input.checked = pick === "all";
    } else {
      input.checked = members.indexOf(input.value) >= 0;
    }
  });
  countAttendance(box);
});

// A link to a file that takes a while to make (a PDF, a large export)
// carries data-slow="what to say"; a click shows that beside the link until
// the file has had time to arrive (downloads fire no event a page can see).
document.addEventListener("click", function (e) {
  var link = e.target && e.target.closest && e.target.closest("a[data-slow]");
  if (!link) return;
  var note = link.nextElementSibling;
  if (!note || !note.classList.contains("busy")) {
    note = document.createElement("span");
    note.className = "busy";
    note.setAttribute("role", "status");
    link.insertAdjacentElement("afterend", note);
  }
  note.textContent = link.getAttribute("data-slow");
  clearTimeout(note._done);
  note._done = setTimeout(function () { note.textContent = ""; }, 20000);
});
