// Podium's small progressive enhancements; every page works without them except
// adding rows to the contest editor.
"use strict";

// Adding a row (or a round) clones the last blank one and gives it the next index,
// so form names stay "tracks.3.key", "rounds.1.criteria.0.max" and so on.
function cloneWithIndex(row, prefix) {
  const copy = row.cloneNode(true);
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp("^(" + escaped + "\\.)(\\d+)");
  const next = (Number(row.querySelector("[name]").name.match(re)[2]) + 1);
  copy.querySelectorAll("[name]").forEach(function (el) {
    el.name = el.name.replace(re, "$1" + next);
    if (el.tagName === "INPUT" && el.type !== "number") { el.value = ""; }
  });
  copy.querySelectorAll("[data-prefix]").forEach(function (el) {
    el.dataset.prefix = el.dataset.prefix.replace(re, "$1" + next);
  });
  copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
  return copy;
}

document.addEventListener("click", function (ev) {
  const add = ev.target.closest("[data-add]");
  if (add) {
    const table = add.previousElementSibling.matches("table") ? add.previousElementSibling : add.previousElementSibling.querySelector("table");
    const rows = table.querySelectorAll(":scope > tbody > tr[data-row]");
    const last = rows[rows.length - 1];
    last.after(cloneWithIndex(last, table.dataset.prefix));
    return;
  }
  const plain = ev.target.closest("[data-add-plain]");
  if (plain) {
    // Rows whose fields are arrays (member_name, conflict_name …) need no renumbering.
    const rows = plain.previousElementSibling.querySelectorAll("tbody > tr[data-row]");
    const last = rows[rows.length - 1];
    const copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (el) { el.value = ""; });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    last.after(copy);
    return;
  }
  if (ev.target.closest("[data-add-round]")) {
    const rounds = document.querySelector(".rounds");
    const all = rounds.querySelectorAll(":scope > fieldset[data-row]");
    const last = all[all.length - 1];
    last.after(cloneWithIndex(last, rounds.dataset.prefix));
  }
});

// A round's live-roadshow settings (timers, names public) show for live rounds only.
document.addEventListener("change", function (ev) {
  if (!ev.target.matches("fieldset.round select[name$='.kind']")) { return; }
  const stage = ev.target.closest("fieldset.round").querySelector("[data-live-only]");
  if (stage) { stage.hidden = ev.target.value !== "live"; }
});

// Invite links are selected on focus so they can be copied in one gesture.
document.addEventListener("focusin", function (ev) {
  if (ev.target.matches("input.copy")) { ev.target.select(); }
});

// A form sent back with mistakes: the first field with one is brought into
// view and focused (on a phone it may be far below the top of the page).
document.addEventListener("DOMContentLoaded", function () {
  const first = Array.from(document.querySelectorAll("form .field-error, [data-error-here]")).find(function (el) {
    return el.textContent.trim() !== "";
  });
  if (!first) { return; }
  const holder = first.closest("label, fieldset, tr, .field") || first.parentElement;
  const field = holder && holder.querySelector("input:not([type=hidden]), select, textarea");
  first.scrollIntoView({ block: "center" });
  if (field) { field.focus({ preventScroll: true }); }
});

// "Select all" ticks or clears every box of its name in its form, and shows
// whether some, all or none are ticked as the boxes change.
document.addEventListener("change", function (ev) {
  const form = ev.target.form;
  if (!form) { return; }
  if (ev.target.matches("input[data-select-all]")) {
    const name = ev.target.dataset.selectAll;
    form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      if (!box.disabled) { box.checked = ev.target.checked; }
    });
    return;
  }
  const all = form.querySelector('input[data-select-all="' + ev.target.name + '"]');
  if (!all) { return; }
  const boxes = Array.from(form.querySelectorAll('input[type=checkbox][name="' + ev.target.name + '"]'));
  const ticked = boxes.filter(function (b) { return b.checked; }).length;
  all.checked = ticked === boxes.length && boxes.length > 0;
  all.indeterminate = ticked > 0 && ticked < boxes.length;
});

// A box that narrows a long select as one types (an entry by its code or
// title): options that do not match are hidden, and the first that does is
// chosen, so Enter assigns it.
document.addEventListener("input", function (ev) {
  if (!ev.target.matches("input[data-filter-select]")) { return; }
  const select = ev.target.form && ev.target.form.querySelector('select[name="' + ev.target.dataset.filterSelect + '"]');
  if (!select) { return; }
  const q = ev.target.value.trim().toLowerCase();
  let first = null;
  Array.from(select.options).forEach(function (o) {
    const match = q === "" || o.textContent.toLowerCase().indexOf(q) >= 0;
    o.hidden = !match;
    if (match && !first) { first = o; }
  });
  if (first) { select.value = first.value; }
});

// An irreversible choice in a form (a due diligence recorded as failed
// withdraws the nomination) is asked for once more in the page: the form's
// .confirm-submit box, shown when the field named in data-confirm-when has that
// value, says what will happen; its "yes" sends the form, its "no" hides it.
document.addEventListener("submit", function (ev) {
  const form = ev.target;
  const box = form.querySelector(".confirm-submit[data-confirm-when]");
  if (!box) { return; }
  const [name, value] = box.dataset.confirmWhen.split("=");
  const field = form.elements[name];
  if (!field || field.value !== value || form.dataset.confirmed === "yes") { return; }
  ev.preventDefault();
  box.hidden = false;
  box.querySelector(".confirm-yes").focus();
});
document.addEventListener("click", function (ev) {
  const box = ev.target.closest(".confirm-submit[data-confirm-when]");
  if (!box) { return; }
  const form = box.closest("form");
  if (ev.target.closest(".confirm-yes")) {
    form.dataset.confirmed = "yes";
    form.requestSubmit();
  } else if (ev.target.closest(".confirm-no")) {
    box.hidden = true;
  }
});

// An irreversible submit asks first: a button with data-confirm shows the
// in-page confirmation it names instead of submitting; the confirmation's
// own submit button sends the form, and "not yet" hides it again. Without
// JavaScript the button submits at once.
document.addEventListener("click", function (ev) {
  const ask = ev.target.closest("[data-confirm]");
  if (ask) {
    const box = document.getElementById(ask.dataset.confirm);
    if (box && box.hidden) {
      ev.preventDefault();
      box.hidden = false;
      const yes = box.querySelector("[data-confirm-yes]");
      if (yes) { yes.focus(); }
      box.scrollIntoView({ block: "nearest" });
    }
    return;
  }
  const no = ev.target.closest("[data-confirm-no]");
  if (no) {
    const box = no.closest("[role=alertdialog]");
    if (box) { box.hidden = true; }
  }
});
