// The stage console (live_console.html): the timer counts down from the
// board's ends_at and the server's time, and the console follows the room
// live over the organizer's websocket — a newer version (or another epoch)
// redraws the console's regions from the server. Without the websocket it
// polls the organizer board. Every action is a plain form: nothing here is
// needed to run the stage.
"use strict";

(function () {
  const root = document.getElementById("console");
  if (!root) { return; }
  let shown = Number(root.dataset.version) || 0;
  let epoch = null;
  let offset = 0; // server clock minus ours, from the timer's server_time
  const status = document.getElementById("connection");

  function say(which) {
    if (status) { status.textContent = status.dataset[which] || ""; status.className = "connection " + which; }
  }

  // The timer.
  function readTimer() {
    const t = document.getElementById("timer");
    if (!t) { return; }
    const server = Date.parse(t.dataset.serverTime);
    if (!isNaN(server)) { offset = server - Date.now(); }
  }
  function clock(ms) {
    const neg = ms < 0;
    let sec = neg ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
    const text = Math.floor(sec / 60) + ":" + String(sec % 60).padStart(2, "0");
    return neg ? "-" + text : text;
  }
  function tick() {
    const t = document.getElementById("timer");
    const c = document.getElementById("clock");
    if (!t || !c || !t.dataset.endsAt || t.dataset.paused === "true") { return; }
    const left = Date.parse(t.dataset.endsAt) - (Date.now() + offset);
    c.textContent = clock(left);
    t.classList.toggle("overtime", left < 0);
  }
  readTimer();
  setInterval(tick, 250);

  // Redraws the live regions from a fresh read of the page. A region where
  // the organizer is typing (a reason) waits for the next change.
  let fetching = false, again = false;
  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(root.dataset.base || location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const next = doc.getElementById("console");
        if (!next) { return; }
        const v = Number(next.dataset.version) || 0;
        if (v < shown) { return; }
        if (!!doc.getElementById("draw") !== !!document.getElementById("draw")) { location.reload(); return; }
        document.querySelectorAll("[data-live-region]").forEach(function (old) {
          const fresh = doc.getElementById(old.id);
          if (!fresh) { return; }
          const typing = old.contains(document.activeElement) && document.activeElement.tagName === "INPUT" ||
            Array.from(old.querySelectorAll("input[name=reason]")).some(function (i) { return i.value !== ""; });
          if (!typing && old.outerHTML !== fresh.outerHTML) { old.replaceWith(document.importNode(fresh, true)); }
        });
        shown = v;
        root.dataset.version = String(v);
        readTimer();
        tick();
      })
      .catch(function () {})
      .finally(function () {
        fetching = false;
        if (again) { again = false; refresh(); }
      });
  }

  // The organizer's websocket: {"type":"snapshot"|"update"|"status","version","epoch","data"}.
  let polling = null, tries = 0, last = null;
  function poll() {
    if (polling) { return; }
    say("polling");
    polling = setInterval(function () {
      fetch(root.dataset.board, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (body) { if (body.board && body.board.version > shown) { refresh(); } })
        .catch(function () {});
    }, 2000);
  }
  function connect() {
    const url = new URL(root.dataset.socket, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("version", String(shown));
    if (epoch) { url.searchParams.set("epoch", epoch); }
    let ws;
    try { ws = new WebSocket(url); } catch (e) { poll(); return; }
    let opened = false;
    ws.onopen = function () { opened = true; tries = 0; say("live"); if (polling) { clearInterval(polling); polling = null; } };
    ws.onmessage = function (ev) {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === "status") { say(m.status === "live" ? "live" : "offline"); return; }
      if (m.type !== "snapshot" && m.type !== "update") { return; }
      if (epoch && m.epoch && m.epoch !== epoch) { // Redis was rebuilt: read everything again
        const typing = Array.from(document.querySelectorAll("input[name=reason], input[name=seed]")).some(function (i) { return i.value !== ""; });
        if (!typing) { location.reload(); return; }
      }
      if (m.epoch) { epoch = m.epoch; }
      // A newer version, or the same one with other data (a correction); the
      // first message at the version the page was drawn at changes nothing.
      const data = JSON.stringify(m.data);
      if (m.version > shown || (m.version === shown && last !== null && data !== last)) { refresh(); }
      last = data;
    };
    ws.onclose = function () {
      if (!opened || ++tries > 2) { poll(); } else { say("offline"); }
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, Math.min(tries, 5))));
    };
  }
  if ("WebSocket" in window && root.dataset.socket) { connect(); } else { poll(); }

  // Generate a seed here (26 base32 characters: 130 bits), so the organizer sees it before committing.
  const gen = document.getElementById("generate-seed");
  if (gen && window.crypto && crypto.getRandomValues) {
    gen.addEventListener("click", function (ev) {
      ev.preventDefault();
      const bytes = new Uint8Array(26);
      crypto.getRandomValues(bytes);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
      let seed = "";
      bytes.forEach(function (b) { seed += alphabet[b & 31]; });
      const input = document.getElementById("seed");
      input.value = seed;
      input.select();
      const secret = document.getElementById("seed-secret");
      if (secret) { secret.hidden = false; }
    });
  }
})();
