// The audience's board of a live final's room: the big screen and the phone
// view. The page carries the room's board (data-board, its version and epoch);
// this script draws it and follows the room's websocket:
//   {"type":"snapshot"|"update","version":V,"epoch":E,"data":{board}}
//   {"type":"status","status":"live"|"catching_up"}
// A state of a lower version than the one shown is never applied; a state from
// another epoch (Redis was rebuilt) reloads the page; a socket that drops
// reconnects with backoff and resumes with ?version=&epoch=. While the socket
// is down or the server says it is catching up, a banner says so.
(function () {
  'use strict';
  var root = document.getElementById('live');
  if (!root) return;
  var words = JSON.parse(root.dataset.i18n || '{}');
  var lang = root.dataset.lang;
  var screen = root.dataset.variant === 'screen';
  var shown = { board: JSON.parse(root.dataset.board), version: Number(root.dataset.version) || 0, epoch: root.dataset.epoch || '' };
  // The server's clock minus this device's: a running timer ends at the board's
  // ends_at by the server's clock (the board's server_time is when the phase
  // started, not when it was read).
  var clockOffset = (Number(root.dataset.now) || Date.now()) - Date.now();
  var $ = function (id) { return document.getElementById(id); };
  var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  function t(key) {
    var s = words[key] || key;
    for (var i = 1; i < arguments.length; i++) s = s.replace('%d', String(arguments[i]));
    return s;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // The stage: the entry on it, its judges' totals, its final score.
  function drawStage(b) {
    var cur = b.current;
    // Every entry has pitched (or is absent): the final is over, the ranking takes the screen.
    var finished = !cur && !!b.seed && (b.order || []).length > 0 &&
      (b.order || []).every(function (s) { return s.status !== 'waiting'; });
    root.classList.toggle('finished', finished);
    $('position').textContent = cur && cur.position ? t('audience.position', cur.position) + ' · ' + t('audience.code', cur.code) : '';
    $('title').textContent = cur ? cur.title : t(finished ? 'audience.finished' : 'audience.no_entry');
    $('org').textContent = cur ? cur.organization : '';
    var ol = $('judges');
    var before = {};
    Array.prototype.forEach.call(ol.children, function (li) { before[li.dataset.seat] = li.dataset.total || ''; });
    ol.textContent = '';
    (cur ? cur.judges : []).forEach(function (j) {
      var li = el('li', 'judge');
      li.dataset.seat = j.seat;
      li.dataset.total = j.total || '';
      li.appendChild(el('span', 'label', j.label));
      if (lang === 'en' && j.label_en) li.appendChild(el('span', 'label-en', j.label_en));
      var total = el('span', 'total');
      if (j.recused) { li.classList.add('recused'); total.textContent = t('audience.recused'); }
      else if (cur.hidden) { li.classList.add('hidden'); total.textContent = t('audience.hidden'); }
      else if (j.total) { total.textContent = j.total; li.classList.add('scored'); }
      else { li.classList.add('pending'); total.textContent = t('audience.pending'); }
      if (j.struck) li.classList.add('struck');
      if (j.total && before[j.seat] !== undefined && before[j.seat] !== j.total) li.classList.add('arrived');
      li.appendChild(total);
      ol.appendChild(li);
    });
    ol.hidden = !cur || cur.judges.length === 0;
    var final = cur && cur.final;
    $('final-box').hidden = !final;
    $('final').textContent = final || '';
    $('rule').textContent = final ? ruleText(b, cur.rule) : '';
  }

  function ruleText(b, rule) {
    var m = /^plain mean of (\d+) sheets: trimmed needs at least (\d+)$/.exec(rule || '');
    var what = m ? t('audience.rule_fallback', m[1], m[2]) : t('round.method.' + (rule || b.method));
    return what + (lang === 'en' ? '; ' : '，') + t('audience.rounding');
  }

  // The side: the ranking once there is one, the pitch order before.
  function drawSide(b) {
    var ranked = b.ranking && b.ranking.length > 0;
    // Once every entry has pitched, the ranking is final.
    $('side-title').textContent = t(ranked ? (root.classList.contains('finished') ? 'audience.final_ranking' : 'audience.ranking') : 'audience.order');
    var ol = $('ranking');
    var curCode = b.current ? b.current.code : '';
    var items = ranked ? b.ranking.map(function (r) {
      return { key: r.code, rank: String(r.rank), title: r.title, org: withCode(r.code, r.organization), score: r.score, cls: r.code === curCode ? 'current' : '' };
    }) : (b.order || []).map(function (s) {
      var status = s.status === 'absent' ? t('audience.status.absent') : s.moved_to_end ? t('audience.moved') : '';
      return { key: s.code, rank: String(s.position), title: s.title, org: withCode(s.code, s.organization), score: status,
        cls: (s.code === curCode ? 'current ' : '') + s.status };
    });
    reorder(ol, items);
    var empty = items.length === 0;
    if (empty) {
      ol.textContent = '';
      ol.appendChild(el('li', 'empty', b.seed ? t('audience.no_ranking') : t('audience.waiting_draw')));
    }
    fit(ol);
  }

  // withCode puts the entry's code (what podium draw orders) before its organization.
  function withCode(code, org) { return t('audience.code', code) + (org ? ' · ' + org : ''); }

  // reorder draws the list keeping each line's element, and slides every line
  // that moved from where it was to where it is (FLIP).
  function reorder(ol, items) {
    var old = {}, first = {};
    Array.prototype.forEach.call(ol.children, function (li) {
      if (!li.dataset.key) return;
      old[li.dataset.key] = li;
      if (!li.hidden) first[li.dataset.key] = li.getBoundingClientRect().top;
    });
    var lines = items.map(function (it) {
      var li = old[it.key];
      if (!li) { li = el('li'); li.dataset.key = it.key; }
      delete old[it.key];
      li.className = it.cls;
      li.textContent = '';
      li.appendChild(el('span', 'rank', it.rank));
      var name = el('span', 'name');
      name.appendChild(el('b', null, it.title));
      if (it.org) name.appendChild(el('small', null, it.org));
      li.appendChild(name);
      li.appendChild(el('span', 'score', it.score));
      li.hidden = false;
      return li;
    });
    ol.textContent = '';
    lines.forEach(function (li) { ol.appendChild(li); });
    fit(ol);
    lines.forEach(function (li) {
      if (li.hidden || !li.animate || !drawn || still) return; // the first drawing is not news
      var was = first[li.dataset.key];
      if (was === undefined) {
        li.animate([{ opacity: 0, transform: 'scale(0.96)' }, { opacity: 1, transform: 'none' }], { duration: 600, easing: 'ease-out' });
        return;
      }
      var dy = was - li.getBoundingClientRect().top;
      if (Math.abs(dy) > 1) {
        li.animate([{ transform: 'translateY(' + dy + 'px)' }, { transform: 'none' }],
          { duration: 800, easing: 'cubic-bezier(0.2, 0.8, 0.2, 1)' });
      }
    });
  }

  // fit shows, on the big screen, the lines that fit and "+k more" for the rest.
  function fit(ol) {
    var more = $('more');
    more.hidden = true;
    if (!screen) return;
    var lines = Array.prototype.filter.call(ol.children, function (li) { return li.dataset.key; });
    lines.forEach(function (li) { li.hidden = false; });
    // At the end the ranking fills the screen in two columns, top to bottom.
    ol.style.gridTemplateRows = root.classList.contains('finished') ? 'repeat(' + Math.ceil(lines.length / 2) + ', auto)' : '';
    var hidden = 0;
    for (var i = lines.length - 1; i > 0 && ol.scrollHeight > ol.clientHeight + 1; i--) {
      lines[i].hidden = true;
      hidden++;
      more.textContent = t('audience.more', hidden);
      more.hidden = false;
    }
  }

  // The draw, in plain words: it can be checked by anyone. Its data (the
  // commitment, the seed once revealed, and the command that checks the order)
  // is one tap away on the phone; the big screen points to the phone page.
  // Before the draw the side says the order is still to be drawn: nothing here.
  function drawDraw(b) {
    var f = $('draw');
    f.textContent = '';
    if (!b.commitment && !b.seed) return;
    var p = el('p', 'verifiable');
    p.appendChild(el('span', null, t('audience.draw_verifiable')));
    if (screen) {
      p.appendChild(document.createTextNode(' · ' + t('audience.draw_how') + ' '));
      var a = el('a', 'phone-link', location.host + root.dataset.phone);
      a.href = root.dataset.phone;
      p.appendChild(a);
      f.appendChild(p);
      return;
    }
    f.appendChild(p);
    var d = el('details', 'draw-data');
    d.appendChild(el('summary', null, t('audience.draw_details')));
    if (b.commitment) {
      var c1 = el('p', 'commitment');
      c1.appendChild(document.createTextNode(t('audience.commitment') + ' '));
      var full = el('code', 'full', b.commitment);
      full.setAttribute('aria-label', t('audience.full_commitment'));
      c1.appendChild(full);
      d.appendChild(c1);
    }
    if (b.seed) {
      var sp = el('p', 'seed-line');
      sp.appendChild(document.createTextNode(t('audience.seed') + ' '));
      sp.appendChild(el('code', 'seed', b.seed));
      d.appendChild(sp);
      var codes = (b.order || []).map(function (s) { return s.code; }).sort();
      var cmd = 'podium draw --seed ' + quote(b.seed) + ' --entries ' + codes.join(',') +
        (b.commitment ? ' --commitment ' + b.commitment : '');
      var c = el('p', 'check');
      c.appendChild(document.createTextNode(t('audience.check') + ' '));
      c.appendChild(el('code', 'command', cmd));
      d.appendChild(c);
    }
    f.appendChild(d);
  }

  function quote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }

  // The header and the clock.
  function drawHead(b) {
    $('room').textContent = b.room;
    $('round').textContent = lang === 'en' && b.round_name_en ? b.round_name_en : b.round_name;
    $('frozen-banner').hidden = !b.frozen;
    tick();
  }

  function tick() {
    var b = shown.board, tm = b.timer || {};
    var phase = b.current ? b.phase : '';
    var label = phase === 'result' && b.current.hidden ? t('audience.hidden') : phase ? t('audience.phase.' + phase) : '';
    $('phase').textContent = label + (label && tm.paused ? ' · ' + t('audience.paused') : '');
    var timer = $('timer');
    if (!tm.seconds || !tm.started_at || (phase !== 'pitch' && phase !== 'qa')) {
      timer.textContent = '';
      return;
    }
    var left = tm.paused || !tm.ends_at ? tm.remaining_ms : Date.parse(tm.ends_at) - (Date.now() + clockOffset);
    var over = left < 0;
    var secs = Math.ceil(Math.abs(left) / 1000);
    if (over) secs = Math.floor(Math.abs(left) / 1000);
    var text = String(Math.floor(secs / 60)).padStart(2, '0') + ':' + String(secs % 60).padStart(2, '0');
    timer.textContent = over ? t('audience.overtime') + ' +' + text : text;
    timer.classList.toggle('overtime', over);
  }

  var drawn = false;
  function draw(b) {
    drawHead(b);
    drawStage(b);
    drawSide(b);
    drawDraw(b);
    root.dataset.version = String(shown.version);
    drawn = true;
  }

  // The socket.
  var socket = null, attempts = 0, reloading = false;

  function catching(on) { $('catching-banner').hidden = !on; root.classList.toggle('catching-up', on); }

  function apply(m) {
    if (m.type === 'status') { catching(m.status === 'catching_up'); return; }
    if (m.type !== 'snapshot' && m.type !== 'update') return;
    if (shown.epoch && m.epoch && m.epoch !== shown.epoch) {
      // Redis lost its state and was rebuilt: start again from the page.
      if (!reloading) { reloading = true; setTimeout(function () { location.reload(); }, Math.random() * 2000); }
      return;
    }
    if (Number(m.version) < shown.version) return; // never go back
    shown = { board: m.data, version: Number(m.version), epoch: m.epoch || shown.epoch };
    draw(m.data);
  }

  function connect() {
    var u = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + root.dataset.socket +
      '?version=' + shown.version + '&epoch=' + encodeURIComponent(shown.epoch);
    try { socket = new WebSocket(u); } catch (e) { retry(); return; }
    socket.onopen = function () { attempts = 0; catching(false); };
    socket.onmessage = function (ev) {
      try { apply(JSON.parse(ev.data)); } catch (e) { /* a message this page cannot read: ignore it */ }
    };
    socket.onclose = function () { socket = null; catching(true); retry(); };
  }

  function retry() {
    var wait = Math.min(15000, 500 * Math.pow(2, attempts++));
    setTimeout(connect, wait / 2 + Math.random() * wait / 2);
  }

  draw(shown.board);
  setInterval(tick, 250);
  if (screen) {
    window.addEventListener('resize', function () { fit($('ranking')); });
    // The first fit may run before the web font: lines grow once it is in.
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { fit($('ranking')); });
    window.addEventListener('load', function () { fit($('ranking')); });
  }
  connect();
})();
