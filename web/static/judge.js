// judge.js: the judge's scoring page (templates/judge_entry.html), made for
// tablets on poor wifi. What the judge types is never lost and counts once:
//   - every change is kept in localStorage at once and, a moment later, saved
//     on the server as a draft (PUT …/draft); after a reload or a restart the
//     page restores what the server has not acknowledged yet;
//   - a submission gets an Idempotency-Key and its exact body, stored locally
//     before the first try; it is resent with the same key and bytes until the
//     server answers (backing off, at once when the connection returns, and on
//     the next page load), so a retry returns the original result.
// The live total is Σ mark × weight / max, rounded once, half up, to hundredths,
// computed in integers exactly as the server does.
//
// The form's logic is mounted on a form (PodiumSheet.mount): the online page
// mounts the one it has; the live page (judge-live.js) mounts the form of the
// entry on stage when scoring opens, and unmounts it when another entry comes.
// A form with data-live-closed="1" is locked (scoring closed in a live room).
"use strict";

window.PodiumSheet = (function () {
  // SIDE_BY_SIDE is app.css's media query for the judge page's two columns.
  const SIDE_BY_SIDE = "(min-width: 1100px) and (orientation: landscape)";

  function mount(form) {
    const api = "/api/v1/judge/assignments/" + form.dataset.assignment;
    const DRAFT = "podium.judge." + form.dataset.assignment + ".draft";
    const PENDING = "podium.judge." + form.dataset.assignment + ".pending";
    const DRAFT_DELAY = 1500;
    const RETRY_DELAYS = [1000, 2000, 5000, 10000, 20000, 30000];
    const TIMEOUT = 20000;

    // A copy kept on the tablet, shown offline, may be older than what the judge
    // typed since: the draft kept in localStorage is then the best there is.
    const offlineCopy = document.querySelector('meta[name="podium-offline"]') !== null;
    const statusLine = form.querySelector(".sheet-status");
    const connection = document.querySelector(".connection");
    const totalOut = form.querySelector("output[name=total]");
    const overall = form.querySelector("textarea[name=comment]");
    const criteria = Array.from(form.querySelectorAll("fieldset.criterion")).map(function (fs) {
      const max = hundredths(fs.dataset.max);
      return {
        key: fs.dataset.key, fieldset: fs, max: max, step: hundredths(fs.dataset.step) || 1,
        weight: hundredths(fs.dataset.weight) || max,
        input: fs.querySelector("input[name^='mark.']"),
        range: fs.querySelector("input[type=range]"),
        comment: fs.querySelector("textarea"),
      };
    });

    // Points, in integer hundredths.

    // hundredths parses "12", "12.5" or "12.34" (also with full-width digits or a
    // decimal comma) into 1200, 1250, 1234; anything else is null.
    function hundredths(text) {
      const s = String(text == null ? "" : text).trim()
        .replace(/[０-９]/g, function (d) { return String.fromCharCode(d.charCodeAt(0) - 0xFEE0); })
        .replace(/[,，．。]/, ".");
      const m = /^(\d{0,9})(?:\.(\d{0,2}))?$/.exec(s);
      if (!m || !/\d/.test(s)) { return null; }
      return Number(m[1] || "0") * 100 + Number(((m[2] || "") + "00").slice(0, 2));
    }

    function format(h) {
      return Math.floor(h / 100) + "." + String(h % 100).padStart(2, "0");
    }

    function gcd(a, b) {
      while (b) { const t = a % b; a = b; b = t; }
      return a;
    }

    // total is the server's scoring.Rubric.Total: with den the least common
    // denominator of the weight/max ratios, Σ mark·(weight·den/max) is an exact
    // integer (the server keeps it below 2^38), divided by den once, half up.
    function total(marks) {
      let den = 1;
      criteria.forEach(function (c) {
        const d = c.max / gcd(c.weight, c.max);
        den = den / gcd(den, d) * d;
      });
      let n = 0;
      criteria.forEach(function (c, i) { n += marks[i] * (c.weight * den / c.max); });
      const r = n % den;
      return (n - r) / den + (2 * r >= den ? 1 : 0);
    }

    // The form.

    // markOf reads a criterion's mark: {h} when valid, {missing} when empty, or {error} naming the problem.
    function markOf(c) {
      if (c.input.value.trim() === "") { return { missing: true }; }
      const h = hundredths(c.input.value);
      if (h === null) { return { error: "points" }; }
      if (h > c.max) { return { error: "range" }; }
      if (h % c.step !== 0) { return { error: "step" }; }
      return { h: h };
    }

    function values() {
      const v = { marks: {}, comments: {}, comment: overall ? overall.value : "" };
      criteria.forEach(function (c) {
        v.marks[c.key] = c.input.value;
        v.comments[c.key] = c.comment ? c.comment.value : "";
      });
      return v;
    }

    function fill(v) {
      criteria.forEach(function (c) {
        if (v.marks && v.marks[c.key] != null) { c.input.value = v.marks[c.key]; }
        if (c.comment && v.comments && v.comments[c.key] != null) { c.comment.value = v.comments[c.key]; }
        syncRange(c);
      });
      if (overall && v.comment != null) { overall.value = v.comment; }
    }

    // typed turns a sheet as JSON (marks as numbers) into what the form shows.
    function typed(sheet) {
      const v = { marks: {}, comments: {}, comment: sheet.comment || "" };
      criteria.forEach(function (c) {
        const mark = sheet.marks && sheet.marks[c.key];
        v.marks[c.key] = mark == null ? "" : format(Math.round(Number(mark) * 100));
        v.comments[c.key] = (sheet.comments && sheet.comments[c.key]) || "";
      });
      return v;
    }

    // syncRange moves the slider to the typed mark; one out of range or off the
    // step puts it at the nearest end or step (the field still says what is wrong).
    function syncRange(c) {
      const h = hundredths(c.input.value);
      if (c.range && h !== null) { c.range.value = format(Math.min(h, c.max)); }
    }

    // body is the JSON the server reads as contest.SheetInput, with marks written
    // as plain decimals ("30.50") so that no float ever touches them. With
    // complete, every criterion must have a valid mark; problems are returned instead.
    function body(complete) {
      const marks = [], comments = {}, problems = {};
      criteria.forEach(function (c) {
        const m = markOf(c);
        if (m.h !== undefined) {
          marks.push(JSON.stringify(c.key) + ":" + format(m.h));
        } else if (m.error || complete) {
          problems["marks." + c.key] = errorText(m.error || "missing", c);
        }
        if (c.comment && c.comment.value.trim() !== "") { comments[c.key] = c.comment.value; }
      });
      if (complete && Object.keys(problems).length > 0) { return { problems: problems }; }
      return { text: '{"marks":{' + marks.join(",") + '},"comments":' + JSON.stringify(comments) +
        ',"comment":' + JSON.stringify(overall ? overall.value : "") + "}" };
    }

    function showTotal() {
      const marks = [];
      for (const c of criteria) {
        const m = markOf(c);
        if (m.h === undefined) { totalOut.textContent = "—"; return; }
        marks.push(m.h);
      }
      totalOut.textContent = format(total(marks));
    }

    function setStatus(text, kind) {
      statusLine.textContent = text;
      statusLine.className = "sheet-status" + (kind ? " " + kind : "");
    }

    // fieldError shows text after anchor, tagged with its field so it can be cleared.
    function fieldError(field, anchor, text) {
      const span = document.createElement("span");
      span.className = "field-error";
      span.dataset.field = field;
      span.textContent = text;
      anchor.after(span);
    }

    // showErrors replaces the field messages ({"marks.tech": "…"}) next to their
    // fields; unless message is undefined, the status line says the submission
    // failed, with message and the messages of no field.
    function showErrors(message, fields) {
      form.querySelectorAll(".field-error[data-field]").forEach(function (el) { el.remove(); });
      criteria.forEach(function (c) { c.input.removeAttribute("aria-invalid"); });
      const rest = [];
      Object.keys(fields || {}).forEach(function (field) {
        const dot = field.indexOf(".");
        const c = criteria.find(function (x) { return x.key === field.slice(dot + 1); });
        let anchor = null;
        if (c && field.startsWith("marks.")) {
          anchor = c.fieldset.querySelector(".stepper");
          c.input.setAttribute("aria-invalid", "true");
        } else if (c && field.startsWith("comments.")) {
          anchor = c.comment;
        } else if (field === "comment") {
          anchor = overall;
        }
        if (anchor) { fieldError(field, anchor, fields[field]); } else { rest.push(fields[field]); }
      });
      if (message !== undefined) {
        setStatus([form.dataset.failed + (message ? " · " + message : "")].concat(rest).join(" "), "error");
      }
    }

    // errorText is the page's message for a problem with a mark of criterion c:
    // points, range, step or missing; range and step name the criterion and its limit.
    function errorText(kind, c) {
      const text = form.dataset["err" + kind[0].toUpperCase() + kind.slice(1)] || "";
      if (!c || (kind !== "range" && kind !== "step")) { return text; }
      const plain = format(kind === "range" ? c.max : c.step).replace(/\.?0+$/, ""); // "30", "0.5"
      const args = [c.fieldset.dataset.name, plain];
      return text.replace(/%s/g, function () { return args.shift() || ""; });
    }

    // checkField shows, or clears, the problem with what is typed for one criterion.
    function checkField(c) {
      const old = form.querySelector('.field-error[data-field="marks.' + c.key + '"]');
      if (old) { old.remove(); }
      c.input.removeAttribute("aria-invalid");
      const m = markOf(c);
      if (m.error) {
        fieldError("marks." + c.key, c.fieldset.querySelector(".stepper"), errorText(m.error, c));
        c.input.setAttribute("aria-invalid", "true");
      }
    }

    // keepsRefused fills the form with a draft the server acknowledged if the
    // draft holds marks typed but not valid (off the step, above the maximum):
    // the server's draft leaves them out, so only the tablet remembers what the
    // judge typed and must show it again, with its message, to be fixed. It does
    // so only where the rest of the draft is what the server served (another
    // device may have changed the sheet since); otherwise it leaves the form as served.
    function keepsRefused(d) {
      const served = values(), sent = body(false).text;
      fill(d);
      if (criteria.some(function (c) { return markOf(c).error; }) && body(false).text === sent) { return true; }
      fill(served);
      return false;
    }

    // Local storage: failures (private mode, full) leave the page working from memory.

    function load(key) {
      try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
    }

    function store(key, v) {
      try { localStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* kept in memory only */ }
    }

    function forget(key) {
      try { localStorage.removeItem(key); } catch (e) { /* nothing to forget */ }
    }

    // Talking to the server.

    function csrfToken() {
      const meta = document.querySelector('meta[name="csrf-token"]');
      return meta ? meta.content : "";
    }

    // request answers {status, data}; status 0 means the network failed.
    async function request(method, path, text, headers, keepalive) {
      const ctl = typeof AbortController === "function" ? new AbortController() : null;
      const timer = ctl && setTimeout(function () { ctl.abort(); }, TIMEOUT);
      try {
        const res = await fetch(api + path, {
          method: method, body: text, credentials: "same-origin", cache: "no-store", keepalive: !!keepalive,
          signal: ctl ? ctl.signal : undefined,
          headers: Object.assign({ "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrfToken() }, headers),
        });
        let data = null;
        try { data = await res.json(); } catch (e) { /* no JSON body */ }
        setOnline(true);
        return { status: res.status, data: data };
      } catch (e) {
        setOnline(false);
        return { status: 0, data: null };
      } finally {
        if (timer) { clearTimeout(timer); }
      }
    }

    function errorOf(res) {
      return (res.data && res.data.error) || {};
    }

    // Retry on a lost connection, server trouble, timeouts and rate limits.
    function retryable(status) {
      return status === 0 || status >= 500 || status === 408 || status === 429;
    }

    function delay(attempt) {
      return RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
    }

    function setOnline(online) {
      if (!connection) { return; }
      connection.textContent = online ? "" : connection.dataset.offline;
      connection.classList.toggle("offline", !online);
    }

    // State.

    let draft = null;   // {marks, comments, comment, at, saved}: what was typed, when, and what the server acknowledged
    let pending = null; // {key, body, at, state}: the submission being sent
    let draftTimer = null, draftBusy = false, draftAttempt = 0, draftStopped = false;
    let submitTimer = null, sending = false, submitAttempt = 0;

    function open() {
      return form.dataset.state !== "submitted" && form.dataset.roundState === "open" && form.dataset.liveClosed !== "1";
    }

    function lock() {
      const locked = !open() || pending !== null;
      form.querySelectorAll("input, textarea, button").forEach(function (el) { el.disabled = locked; });
      if (locked) { clearTimeout(draftTimer); }
    }

    function dirty() {
      return draft !== null && draft.at !== draft.saved;
    }

    // changed records an edit: in localStorage now, on the server soon.
    function changed() {
      const v = values();
      draft = Object.assign(v, { at: Date.now(), saved: draft ? draft.saved : 0 });
      store(DRAFT, draft);
      showTotal();
      draftAttempt = 0;
      scheduleDraft(DRAFT_DELAY);
    }

    function scheduleDraft(ms) {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(saveDraft, ms);
    }

    // saveDraft sends what is typed, if the server does not have it yet; keepalive
    // lets the request outlive the page.
    async function saveDraft(keepalive) {
      if (draftBusy || draftStopped || !dirty() || !open() || pending) { return; }
      clearTimeout(draftTimer);
      const at = draft.at;
      draftBusy = true;
      const res = await request("PUT", "/draft", body(false).text, {}, keepalive === true);
      draftBusy = false;
      if (res.status === 200) {
        draftAttempt = 0;
        if (draft) {
          draft.saved = at;
          store(DRAFT, draft);
        }
        if (dirty()) { scheduleDraft(DRAFT_DELAY); } else if (!pending) { setStatus(form.dataset.saved); }
      } else if (retryable(res.status)) {
        scheduleDraft(delay(draftAttempt++));
      } else {
        const e = errorOf(res);
        showErrors(undefined, e.fields);
        setStatus(e.message || "", "error");
        draftStopped = res.status === 401 || res.status === 403 || res.status === 409; // until a reload
      }
    }

    // flushDraft sends an unsaved draft at once, as the page goes away or the tablet sleeps.
    function flushDraft() {
      saveDraft(true);
    }

    function newKey() {
      const c = window.crypto;
      if (c && typeof c.randomUUID === "function") { return c.randomUUID(); } // only in secure contexts
      const b = new Uint8Array(16);
      if (c && c.getRandomValues) {
        c.getRandomValues(b);
      } else {
        for (let i = 0; i < 16; i++) { b[i] = Math.floor(Math.random() * 256); }
      }
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
      return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
    }

    // Submitting cannot be undone: the judge is asked once, with the total,
    // in the page (a dialog of the browser's own can be blocked or missed).
    const confirmBox = form.querySelector(".confirm-submit");
    function askFirst() {
      if (!confirmBox || !confirmBox.hidden) { return false; }
      const total = form.querySelector("output[name=total]");
      confirmBox.querySelector(".confirm-total").textContent = total ? total.textContent : "";
      confirmBox.hidden = false;
      confirmBox.querySelector(".confirm-yes").focus();
      return true;
    }
    function confirmYes() { form.requestSubmit(); }
    function confirmNo() { confirmBox.hidden = true; }
    if (confirmBox) {
      confirmBox.querySelector(".confirm-yes").addEventListener("click", confirmYes);
      confirmBox.querySelector(".confirm-no").addEventListener("click", confirmNo);
    }

    function submit(ev) {
      ev.preventDefault();
      if (pending) { sendPending(); return; }
      if (!open()) { return; }
      const b = body(true);
      if (b.problems) {
        // Nothing was sent: say which marks to fix, by name, and go to the first.
        showErrors(undefined, b.problems);
        const bad = criteria.filter(function (c) { return b.problems["marks." + c.key]; });
        const names = bad.map(function (c) { return c.fieldset.dataset.name; }).join(form.dataset.fix.indexOf("：") >= 0 ? "、" : ", ");
        setStatus(form.dataset.fix.replace("%s", names), "error");
        if (bad.length) { bad[0].fieldset.scrollIntoView({ block: "center" }); bad[0].input.focus({ preventScroll: true }); }
        return;
      }
      showErrors(undefined, {});
      if (askFirst()) { return; }
      if (confirmBox) { confirmBox.hidden = true; }
      pending = { key: newKey(), body: b.text, at: Date.now(), state: form.dataset.state };
      store(PENDING, pending); // before the first try: a crash or reload resends it
      lock();
      sendPending();
    }

    async function sendPending() {
      if (!pending || sending) { return; }
      clearTimeout(submitTimer);
      sending = true;
      const res = await request("POST", "/sheet", pending.body, { "Idempotency-Key": pending.key });
      sending = false;
      if (res.status === 201) { submitted(res.data); return; }
      // A 409's reason says what to do: "in_progress" (this submission's first
      // try is still being processed) is retried later, as is; "already_submitted"
      // (a sheet went in by another request) is done: the stored sheet is the
      // result. Without a reason (the round closed, say), the server's sheet says which.
      const reason = res.status === 409 ? errorOf(res).reason : undefined;
      if (res.status === 409 && reason !== "in_progress") {
        const now = await request("GET", "", undefined);
        if (now.status === 200 && now.data.sheet.state === "submitted") { submitted(now.data.sheet); return; }
        if (now.status === 200 && now.data.round_state !== "open") {
          form.dataset.roundState = now.data.round_state;
          refused(res);
          return;
        }
        // Not fetched (offline again), or reopened meanwhile: try again later.
      }
      if (res.status === 409 || retryable(res.status)) {
        setStatus(form.dataset.queued, "notice warn");
        submitTimer = setTimeout(sendPending, delay(submitAttempt++));
        return;
      }
      if (res.status === 401) { // the session ended: once the judge logs in again, the reloaded page sends it
        showErrors(errorOf(res).message || "", {});
        return;
      }
      refused(res);
    }

    // refused drops a submission the server will not take: the judge corrects the marks (the draft stays).
    function refused(res) {
      pending = null;
      forget(PENDING);
      submitAttempt = 0;
      lock();
      const e = errorOf(res);
      showErrors(e.message || "", e.fields);
    }

    function submitted(sheet) {
      pending = null;
      draft = null;
      forget(PENDING);
      forget(DRAFT);
      clearTimeout(submitTimer);
      form.dataset.state = "submitted";
      if (sheet && sheet.marks) { fill(typed(sheet)); }
      showErrors(undefined, {});
      lock();
      // A submitted sheet offers no recusal, as the server's page does not.
      const recuse = document.querySelector("details.recuse-box");
      if (recuse) { recuse.closest("section").hidden = true; }
      setStatus(form.dataset.submitted, "notice");
      const next = form.querySelector(".next-entry");
      if (next) { next.hidden = false; }
      if (sheet && sheet.total != null) { totalOut.textContent = format(Math.round(sheet.total * 100)); }
      document.dispatchEvent(new CustomEvent("podium:changed")); // judge-offline.js refreshes the kept copy
    }

    // Controls.

    form.addEventListener("click", function (ev) {
      const button = ev.target.closest("button.step");
      if (!button || button.disabled) { return; }
      const c = criteria.find(function (x) { return x.fieldset.contains(button); });
      const m = markOf(c);
      const cur = m.h !== undefined ? m.h : (hundredths(c.input.value) || 0);
      const up = Number(button.dataset.delta) > 0;
      // One step up or down, onto the step grid, within [0, max].
      let next = up ? Math.floor(cur / c.step) * c.step + c.step : Math.ceil(cur / c.step) * c.step - c.step;
      if (m.missing) { next = up ? c.step : 0; }
      next = Math.min(c.max, Math.max(0, next));
      c.input.value = format(next);
      syncRange(c);
      checkField(c);
      changed();
    });

    form.addEventListener("input", function (ev) {
      const c = criteria.find(function (x) { return x.fieldset.contains(ev.target); });
      if (c && ev.target === c.range) {
        const h = hundredths(c.range.value);
        c.input.value = h === null ? "" : format(h);
        checkField(c);
      } else if (c && ev.target === c.input) {
        syncRange(c);
        checkField(c);
      }
      changed();
    });

    form.addEventListener("change", function (ev) {
      const c = criteria.find(function (x) { return x.input === ev.target; });
      const m = c && markOf(c);
      if (m && m.h !== undefined && c.input.value !== format(m.h)) { // "30" reads "30.00" once typed
        c.input.value = format(m.h);
        changed();
      }
    });

    form.addEventListener("submit", submit);

    function onOnline() {
      setOnline(true);
      submitAttempt = 0; // the connection is back: try now, then back off from the start
      if (pending) { sendPending(); }
      if (dirty()) { scheduleDraft(0); }
    }
    function onOffline() { setOnline(false); }
    function onVisibility() {
      if (document.visibilityState === "hidden") { flushDraft(); }
    }
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    window.addEventListener("pagehide", flushDraft);
    document.addEventListener("visibilitychange", onVisibility);

    // Start: restore what the server has not acknowledged, and resend a queued submission.

    draft = load(DRAFT);
    pending = load(PENDING);
    if (form.dataset.state === "submitted" || (pending && pending.state !== "reopened" && form.dataset.state === "reopened")) {
      // Submitted (here or elsewhere), or submitted and since reopened by the organizer: nothing local is current.
      forget(DRAFT);
      forget(PENDING);
      draft = pending = null;
    }
    if (pending) {
      fill(typed(JSON.parse(pending.body))); // what is being submitted is what the judge sees
    } else if (draft && open() && (draft.at !== draft.saved || (offlineCopy && draft.at))) {
      fill(draft);
    } else if (draft && open() && draft.at && keepsRefused(draft)) {
      // The server has the rest of this draft; the marks it cannot hold are back as typed.
    } else {
      draft = Object.assign(values(), { at: 0, saved: 0 });
    }
    criteria.forEach(function (c) { syncRange(c); checkField(c); });
    showTotal();
    lock();
    if (navigator.onLine === false) { setOnline(false); }
    if (pending) {
      setStatus(form.dataset.queued, "notice warn");
      sendPending();
    } else if (dirty()) {
      scheduleDraft(0);
    }
    form.dataset.ready = "1";

    return {
      form: form,
      // refresh applies a change of the form's data attributes (scoring closed or open again).
      refresh: function () {
        lock();
        if (open() && dirty()) { draftStopped = false; scheduleDraft(0); }
      },
      // pending reports whether a submission is still being sent.
      pending: function () { return pending !== null; },
      // unmount stops the form's timers and listeners; an unsaved draft is sent
      // now, and a queued submission stays in localStorage for the next mount.
      unmount: function () {
        flushDraft();
        clearTimeout(draftTimer);
        clearTimeout(submitTimer);
        pending = null;
        window.removeEventListener("online", onOnline);
        window.removeEventListener("offline", onOffline);
        window.removeEventListener("pagehide", flushDraft);
        document.removeEventListener("visibilitychange", onVisibility);
        form.removeEventListener("submit", submit);
        if (confirmBox) {
          confirmBox.querySelector(".confirm-yes").removeEventListener("click", confirmYes);
          confirmBox.querySelector(".confirm-no").removeEventListener("click", confirmNo);
        }
        delete form.dataset.ready;
      },
    };
  }

  // The online page mounts the form it was served with.
  const served = document.querySelector("form.sheet[data-assignment]");
  if (served) { mount(served); }

  // Side by side with the form (landscape, wide enough: app.css), the business
  // plan is open from the start: the judge reads it while scoring.
  // There it stays open (its column would be empty closed): its summary is a heading.
  const plan = document.querySelector(".judge-work.with-materials details.material");
  const sideBySide = window.matchMedia ? window.matchMedia(SIDE_BY_SIDE) : null;
  if (plan && sideBySide) {
    if (sideBySide.matches) { plan.open = true; }
    sideBySide.addEventListener("change", function () { if (sideBySide.matches) { plan.open = true; } });
    plan.querySelector("summary").addEventListener("click", function (ev) {
      if (sideBySide.matches && plan.open) { ev.preventDefault(); }
    });
  }
  return { mount: mount };
})();

// Stepping aside: a judge who recognizes the entry recuses with a reason; the
// server assigns a replacement and the judge goes back to their list.
document.addEventListener("submit", function (ev) {
  const form = ev.target.closest("form.recuse");
  if (!form) { return; }
  ev.preventDefault();
  const meta = document.querySelector('meta[name="csrf-token"]');
  const error = form.querySelector(".field-error");
  fetch("/api/v1/assignments/" + form.dataset.assignment + "/recuse", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : "" },
    body: JSON.stringify({ reason: form.elements.reason.value })
  }).then(function (res) {
    if (res.ok) { window.location.assign("/judge?recused=1"); return; }
    return res.json().then(function (body) { error.textContent = body.error ? body.error.message : res.status; });
  }).catch(function () { error.textContent = document.querySelector(".connection").dataset.offline || ""; });
});
