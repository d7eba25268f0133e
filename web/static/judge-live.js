// judge-live.js: a judge's tablet in a live room (templates/judge_live.html).
// The page never reloads and the judge never navigates:
//   - it listens to the room's judges' websocket, whose messages carry no
//     identity (only a version and the phase): on every message, and whenever
//     the connection comes back, it fetches this judge's own stage over HTTP
//     (GET /api/v1/judge/live/rooms/:room, blind unless the round makes names
//     public) and shows it if its version is not lower than the one shown;
//   - while the socket is down it reconnects with a growing, jittered delay
//     and shows "connecting" (or "catching up" when the server says so);
//   - when an entry the judge scores is on stage, the scoring form of the
//     judge's assignment is fetched and mounted with judge.js (PodiumSheet):
//     drafts, submission by idempotency key and the offline queue are the
//     online page's own. The form is locked until scoring opens and after it
//     closes; a recused judge sees that they do not score the entry;
//   - the timer counts down from the stage's timer, corrected by the
//     difference between the server's clock and the tablet's.
"use strict";

(function () {
  const root = document.getElementById("live-stage");
  if (!root || !window.PodiumSheet) { return; }
  const d = root.dataset;
  const banner = document.querySelector(".live-banner");
  const phaseEl = root.querySelector(".live-phase");
  const codeEl = root.querySelector(".live-code");
  const namesEl = root.querySelector(".live-names");
  const timerEl = root.querySelector(".live-timer");
  const messageEl = root.querySelector(".live-message");
  const sheetBox = document.querySelector(".live-sheet");
  const DELAYS = [500, 1000, 2000, 5000, 10000, 20000, 30000];

  let stage = null;      // the stage shown
  let offset = 0;        // server clock − tablet clock, in ms
  let mounted = null;    // {assignment, handle, loading}: the form of the entry on stage
  let ws = null, position = { version: 0, epoch: "" }, attempt = 0, reconnectTimer = null, catchingUp = false;
  let fetching = false, again = false;

  function setBanner() {
    const text = ws && ws.readyState === WebSocket.OPEN ? (catchingUp ? d.catchingUp : "") : d.connecting;
    banner.hidden = !text;
    banner.textContent = text || "";
    root.dataset.connected = ws && ws.readyState === WebSocket.OPEN ? "1" : "0";
  }

  // The stage.

  // refresh fetches the judge's stage; calls while one is under way fetch once more after it.
  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      do {
        again = false;
        try {
          const res = await fetch(d.stageUrl, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } });
          if (res.ok) {
            const st = await res.json();
            await apply(st, Date.now());
          }
        } catch (e) { /* offline: what is shown stays */ }
      } while (again);
    } finally {
      fetching = false;
    }
  }

  async function apply(st, receivedAt) {
    if (stage && st.version < stage.version) { return; } // an older stage never replaces a newer one
    stage = st;
    const server = Date.parse(st.timer && st.timer.server_time);
    if (!Number.isNaN(server)) { offset = server - receivedAt; }
    root.dataset.version = String(st.version);
    await render();
  }

  function phaseLabel(phase) {
    return d["phase" + phase[0].toUpperCase() + phase.slice(1)] || phase;
  }

  async function render() {
    const st = stage, cur = st.current;
    phaseEl.textContent = cur ? phaseLabel(st.phase) : d.phaseNone;
    phaseEl.dataset.phase = cur ? st.phase : "";
    codeEl.textContent = cur && cur.blind_code ? cur.blind_code : "";
    codeEl.hidden = !codeEl.textContent; // none on stage, or recused (no code)
    namesEl.textContent = cur && cur.names ? cur.names.title + " · " + cur.names.organization : "";
    tick();
    if (!cur) {
      unmount();
      show("waiting", d.waiting, "");
      return;
    }
    if (cur.recused || !cur.assignment_id) {
      unmount();
      show("recused", d.recused, "warn");
      return;
    }
    await ensureForm(cur);
    status();
  }

  // status says where the judge is with the entry on stage.
  function status() {
    const st = stage, cur = st.current;
    if (!cur || cur.recused || !mounted) { return; }
    const form = mounted.handle && mounted.handle.form;
    const submitted = (form && form.dataset.state === "submitted") || (!form && cur.sheet_state === "submitted");
    if (form) {
      const closed = st.phase !== "scoring" ? "1" : "";
      if ((form.dataset.liveClosed || "") !== closed) {
        form.dataset.liveClosed = closed;
        mounted.handle.refresh();
      }
    }
    if (submitted) {
      show("submitted", d.submitted, "");
    } else if (st.phase === "scoring") {
      show(form ? "scoring" : "loading", form ? d.scoring : d.loading, "");
    } else if (st.phase === "closed" || st.phase === "result") {
      show("closed", d.closedUnsubmitted, "warn");
    } else {
      show("not_open", d.notOpen, "warn");
    }
  }

  function show(state, text, kind) {
    root.dataset.state = state;
    messageEl.textContent = text;
    messageEl.className = "live-message notice" + (kind ? " " + kind : "");
  }

  // The form.

  // unmount takes the form off the page. A submission still queued (the
  // tablet was offline when the next entry came) keeps being sent from the
  // form kept off the page, until the server answers; it stays in
  // localStorage all along, as on the online page.
  function unmount() {
    const h = mounted && mounted.handle;
    if (h && h.pending()) {
      const check = setInterval(function () {
        if (!h.pending()) { clearInterval(check); h.unmount(); }
      }, 1000);
    } else if (h) {
      h.unmount();
    }
    mounted = null;
    sheetBox.replaceChildren();
  }

  // ensureForm mounts the form of the judge's assignment for the entry on
  // stage, or keeps the one mounted; a sheet reopened by the organizers (or
  // submitted from another device) is fetched again.
  async function ensureForm(cur) {
    if (mounted && mounted.assignment === cur.assignment_id) {
      const form = mounted.handle && mounted.handle.form;
      if (!form) { return; } // loading
      const here = form.dataset.state === "submitted", there = cur.sheet_state === "submitted";
      if (here === there || (!here && mounted.handle.pending())) { return; }
    }
    unmount();
    const m = { assignment: cur.assignment_id, handle: null };
    mounted = m;
    const loading = document.createElement("p");
    loading.className = "card hint";
    loading.textContent = d.loading;
    sheetBox.replaceChildren(loading);
    let section = null;
    try {
      const res = await fetch("/judge/assignments/" + m.assignment, { credentials: "same-origin", cache: "no-store" });
      if (res.ok) {
        const doc = new DOMParser().parseFromString(await res.text(), "text/html");
        const form = doc.querySelector("form.sheet[data-assignment]");
        section = form && form.closest("section");
      }
    } catch (e) { section = null; }
    if (mounted !== m) { return; } // another entry came meanwhile
    if (!section) {
      loading.textContent = d.loadFailed;
      mounted = null;
      setTimeout(refresh, 2000);
      return;
    }
    section.querySelectorAll(".connection").forEach(function (el) { el.remove(); }); // the page has its own
    const node = document.importNode(section, true);
    node.classList.add("live-form");
    const form = node.querySelector("form.sheet");
    form.dataset.liveClosed = stage.phase !== "scoring" ? "1" : "";
    sheetBox.replaceChildren(node);
    m.handle = window.PodiumSheet.mount(form);
  }

  // A sheet submitted here: the stage says so too.
  document.addEventListener("podium:changed", function () { status(); refresh(); });

  // The timer.

  function tick() {
    const t = stage && stage.timer;
    if (!t || !t.seconds || !stage.current || (stage.phase !== "pitch" && stage.phase !== "qa")) {
      timerEl.hidden = true;
      return;
    }
    let ms = t.remaining_ms;
    if (!t.paused && t.ends_at) { ms = Date.parse(t.ends_at) - (Date.now() + offset); }
    const over = ms < 0;
    const s = Math.floor(Math.abs(ms) / 1000) + (over ? 0 : (Math.abs(ms) % 1000 > 0 ? 1 : 0));
    const text = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
    timerEl.hidden = false;
    timerEl.textContent = (over ? d.overtime + " +" : "") + text + (t.paused ? " · " + d.paused : "");
    timerEl.classList.toggle("overtime", over);
    timerEl.classList.toggle("paused", !!t.paused);
  }
  setInterval(tick, 250);

  // The judges' websocket: a notification; the stage itself comes over HTTP.

  function connect() {
    clearTimeout(reconnectTimer);
    if (ws) { return; }
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    let url = proto + "//" + location.host + d.wsUrl;
    if (position.version) { url += "?version=" + position.version + "&epoch=" + encodeURIComponent(position.epoch); }
    let sock;
    try { sock = new WebSocket(url); } catch (e) { reconnect(); return; }
    ws = sock;
    setBanner();
    sock.onopen = function () {
      attempt = 0;
      catchingUp = false;
      setBanner();
      refresh(); // what happened while away
    };
    sock.onmessage = function (ev) {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === "status") {
        catchingUp = m.status === "catching_up";
        setBanner();
        refresh();
        return;
      }
      if (m.epoch === position.epoch && m.version < position.version) { return; }
      position = { version: m.version || 0, epoch: m.epoch || "" };
      catchingUp = false;
      setBanner();
      refresh();
    };
    sock.onclose = function () {
      if (ws === sock) { ws = null; }
      reconnect();
    };
  }

  function reconnect() {
    setBanner();
    clearTimeout(reconnectTimer);
    const base = DELAYS[Math.min(attempt++, DELAYS.length - 1)];
    reconnectTimer = setTimeout(function () { refresh(); connect(); }, base / 2 + Math.random() * base / 2);
  }

  window.addEventListener("online", function () { attempt = 0; refresh(); if (!ws) { connect(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { refresh(); if (!ws) { connect(); } }
  });

  // Start with the stage the page was served with.
  const initial = document.getElementById("live-initial");
  let first = null;
  try { first = JSON.parse(initial.textContent); } catch (e) { first = null; }
  (first ? apply(first, Date.now()) : refresh()).then(function () { root.dataset.ready = "1"; });
  connect();
})();
