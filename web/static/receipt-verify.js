// receipt-verify.js checks a Podium receipt in the browser, trusting nothing
// the server says beyond the public heads it fetches. It runs the same five
// checks, under the same names, as the Go package transparency (Verify) and
// `podium verify-receipt`; docs/verifiable-results.en.md describes them.
//
// Hashing is RFC 6962 (leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ l ‖ r));
// proofs are verified as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
// (consistency) describe, in the order golang.org/x/mod/sumdb/tlog writes
// them (from the leaf up). Tree heads are signed notes (sumdb/note, Ed25519).
(function () {
  'use strict';

  const root = document.getElementById('receipt-verify');
  if (!root) return;
  const M = JSON.parse(root.dataset.messages || '{}');
  const subtle = window.crypto && window.crypto.subtle;
  const enc = new TextEncoder();

  // t translates a message, putting args in place of its %s and %d in order.
  function t(key, ...args) {
    let i = 0;
    return (M[key] || key).replace(/%[sd]/g, () => String(args[i++]));
  }

  // ---- bytes, hashes, base64 ----

  async function sha256(...parts) {
    const n = parts.reduce((a, p) => a + p.length, 0);
    const buf = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { buf.set(p, o); o += p.length; }
    return new Uint8Array(await subtle.digest('SHA-256', buf));
  }
  const leafHash = (data) => sha256(Uint8Array.of(0), data);
  const nodeHash = (l, r) => sha256(Uint8Array.of(1), l, r);

  function same(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // b64 decodes padded standard base64, as Go's base64.StdEncoding does; null if it is not.
  function b64(s) {
    if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
    try {
      const bin = atob(s);
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    } catch (e) {
      return null;
    }
  }
  function hash32(s) {
    const h = b64(s);
    return h && h.length === 32 ? h : null;
  }
  function hashes(list) {
    if (!Array.isArray(list)) return null;
    const out = [];
    for (const s of list) {
      const h = hash32(s);
      if (!h) return null;
      out.push(h);
    }
    return out;
  }
  const odd = (n) => n % 2 === 1;
  const half = (n) => Math.floor(n / 2);

  // ---- RFC 9162 proofs ----

  // inclusion: leaf index of a tree of size hashes to root by proof (§2.1.3.2).
  async function inclusion(index, size, leaf, proof, rootHash) {
    if (!(index >= 0 && index < size)) return false;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) return false;
      if (odd(fn) || fn === sn) {
        r = await nodeHash(p, r);
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        r = await nodeHash(r, p);
      }
      fn = half(fn); sn = half(sn);
    }
    return sn === 0 && same(r, rootHash);
  }

  // consistency: the tree (second, secondHash) extends (first, firstHash) by proof (§2.1.4.2).
  async function consistency(first, second, firstHash, secondHash, proof) {
    if (first === second) return proof.length === 0 && same(firstHash, secondHash);
    if (!(first >= 1 && first < second)) return false;
    let x = first;
    while (x % 2 === 0) x /= 2;
    // When the old tree is a complete subtree, its root starts the path.
    const path = x === 1 ? [firstHash].concat(proof) : proof.slice();
    if (path.length === 0) return false;
    let fn = first - 1, sn = second - 1;
    while (odd(fn)) { fn = half(fn); sn = half(sn); }
    let fr = path[0], sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (odd(fn) || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn = half(fn); sn = half(sn);
    }
    return sn === 0 && same(fr, firstHash) && same(sr, secondHash);
  }

  // ---- signed notes (golang.org/x/mod/sumdb/note) ----

  const validName = (n) => n !== '' && !/[\s+]/u.test(n);

  // parseKey reads a verifier key "<name>+<hash hex>+<base64(0x01 ‖ pubkey)>".
  async function parseKey(vkey) {
    if (typeof vkey !== 'string') return null;
    const a = vkey.indexOf('+');
    if (a < 0) return null;
    const name = vkey.slice(0, a), rest = vkey.slice(a + 1);
    const b = rest.indexOf('+');
    if (b < 0) return null;
    const hex = rest.slice(0, b), key = b64(rest.slice(b + 1));
    if (!/^[0-9a-fA-F]{8}$/.test(hex) || !key || key.length === 0 || !validName(name)) return null;
    const hash = parseInt(hex, 16);
    // The key hash is the first 4 bytes of SHA-256(name ‖ "\n" ‖ key), key with its algorithm byte.
    const sum = await sha256(enc.encode(name + '\n'), key);
    if (new DataView(sum.buffer).getUint32(0) !== hash) return null;
    if (key[0] !== 1 || key.length !== 33) return null;
    let cryptoKey;
    try {
      cryptoKey = await subtle.importKey('raw', key.slice(1), { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      return null;
    }
    return { vkey, name, hash, id: hex.toLowerCase(), cryptoKey };
  }

  // openNote returns the note's text when key signed it validly, else null.
  async function openNote(key, msg) {
    if (typeof msg !== 'string') return null;
    for (const ch of msg) {
      const c = ch.codePointAt(0);
      if (c < 0x20 && c !== 0x0a) return null;
    }
    const split = msg.lastIndexOf('\n\n');
    if (split < 0) return null;
    const text = msg.slice(0, split + 1), sigs = msg.slice(split + 2);
    if (sigs === '' || !sigs.endsWith('\n')) return null;
    let verified = 0, count = 0;
    const seen = new Set();
    for (const line of sigs.slice(0, -1).split('\n')) {
      if (!line.startsWith('\u2014 ')) return null;
      const body = line.slice(2);
      const sp = body.indexOf(' ');
      const name = sp < 0 ? body : body.slice(0, sp), s64 = sp < 0 ? '' : body.slice(sp + 1);
      const sig = b64(s64);
      if (!sig || !validName(name) || s64 === '' || sig.length < 5) return null;
      if (++count > 100) return null;
      const hash = new DataView(sig.buffer).getUint32(0);
      if (name !== key.name || hash !== key.hash) continue; // another signer's: not ours to judge
      if (seen.has(name)) continue;
      seen.add(name);
      let ok = false;
      try {
        ok = await subtle.verify({ name: 'Ed25519' }, key.cryptoKey, sig.slice(4), enc.encode(text));
      } catch (e) {
        ok = false;
      }
      if (!ok) return null;
      verified++;
    }
    return verified > 0 ? text : null;
  }

  // openHead checks a signed head and parses "<origin>\n<size>\n<base64 root>\n".
  async function openHead(key, signed) {
    const text = await openNote(key, signed);
    if (text === null) return null;
    const lines = text.split('\n');
    if (lines.length !== 4 || lines[3] !== '' || lines[0] === '') return null;
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) return null;
    const size = Number(lines[1]);
    const rootHash = hash32(lines[2]);
    if (!Number.isSafeInteger(size) || !rootHash) return null;
    return { origin: lines[0], size, root: rootHash };
  }

  // ---- the receipt ----

  const isInt = Number.isSafeInteger;
  const isStr = (v) => typeof v === 'string';

  // readReceipt checks the receipt's shape as Go's decoder would, with Go's
  // zero values for what is missing; null when it is not a receipt.
  function readReceipt(v) {
    const obj = (x) => x === undefined || x === null ? {} : (typeof x === 'object' && !Array.isArray(x) ? x : null);
    const arr = (x) => x === undefined || x === null ? [] : (Array.isArray(x) ? x : null);
    const str = (x) => x === undefined || x === null ? '' : (isStr(x) ? x : null);
    const int = (x) => x === undefined || x === null ? 0 : (isInt(x) ? x : null);
    const bool = (x) => x === undefined || x === null ? false : (typeof x === 'boolean' ? x : null);
    const strs = (x) => { const a = arr(x); return a && a.every(isStr) ? a : null; };
    const r = obj(v);
    if (!r || v === null || v === undefined) return null;
    const c = obj(r.contest), rd = obj(r.round), e = obj(r.entry), res = obj(r.result), h = obj(r.head);
    const eh = arr(r.earlier_heads), recs = arr(r.records);
    if (!c || !rd || !e || !res || !h || !eh || !recs) return null;
    const out = {
      format: str(r.format),
      contest: { slug: str(c.slug), name: str(c.name) },
      round: { key: str(rd.key), name: str(rd.name), version: int(rd.version) },
      entry: { code: str(e.code), title: str(e.title) },
      result: { score: int(res.score), rank: int(res.rank), advanced: bool(res.advanced), award: str(res.award) },
      verifier_key: str(r.verifier_key),
      head: { size: int(h.size), root: str(h.root), signed: str(h.signed) },
      earlier_heads: [],
      records: [],
    };
    for (const x of eh) {
      const o = obj(x);
      if (!o) return null;
      out.earlier_heads.push({ size: int(o.size), root: str(o.root), signed: str(o.signed), consistency: strs(o.consistency) });
    }
    for (const x of recs) {
      const o = obj(x);
      if (!o) return null;
      out.records.push({ index: int(o.index), kind: str(o.kind), leaf: str(o.leaf), proof: strs(o.proof) });
    }
    return hasNull(out) ? null : out; // a field of the wrong type
  }
  function hasNull(x) {
    if (x === null) return true;
    if (typeof x === 'object') return Object.values(x).some(hasNull);
    return false;
  }

  const leafKeys = ['seq', 'at', 'action', 'subject', 'actor', 'payload'];

  // parseLeaf reads leaf data as Go's ParseLeaf does; null when it cannot.
  function parseLeaf(s) {
    let v;
    try { v = JSON.parse(s); } catch (e) { return null; }
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    if (Object.keys(v).some((k) => !leafKeys.includes(k))) return null;
    for (const k of ['at', 'action', 'subject', 'actor']) if (v[k] != null && !isStr(v[k])) return null;
    if (!isInt(v.seq) || v.seq < 1 || !v.action) return null;
    return { seq: v.seq, at: v.at || '', action: v.action, subject: v.subject || '', actor: v.actor || '', payload: v.payload };
  }

  function hundredths(n) {
    const sign = n < 0 ? '-' : '';
    n = Math.abs(n);
    return sign + Math.floor(n / 100) + '.' + String(n % 100).padStart(2, '0');
  }
  function describe(score, rank, advanced, award) {
    const a = award ? (M['award.level.' + award] || award) : t('verify.award_none');
    return t('verify.describe', hundredths(score), rank, t(advanced ? 'verify.yes' : 'verify.no'), a);
  }
  const short = (s) => (s.length > 12 ? s.slice(0, 12) : s);

  function outcome(name, problems, ok) {
    return problems.length === 0 ? { name, ok: true, detail: ok() } : { name, ok: false, detail: problems.join(' ') };
  }

  // ---- the five checks (as transparency.Verify) ----

  async function verify(r, earlier) {
    const v = { r, key: null, root: hash32(r.head.root), origin: 'podium/' + r.contest.slug };
    const checks = [];
    checks.push(await checkSignature(v));
    checks.push(await checkInclusion(v));
    checks.push(checkResult(v));
    checks.push(await checkHistory(v));
    checks.push(await checkEarlier(v, earlier));
    return checks;
  }

  async function checkSignature(v) {
    const r = v.r, p = [];
    if (r.format !== 'podium-receipt/1') p.push(t('verify.p.format', JSON.stringify(r.format)));
    const key = await parseKey(r.verifier_key);
    if (!key) {
      p.push(t('verify.p.key_malformed'));
      return outcome('signature', p);
    }
    v.key = key;
    const want = 'podium-' + r.contest.slug;
    if (key.name !== want) p.push(t('verify.p.key_name', JSON.stringify(key.name), JSON.stringify(want), JSON.stringify(r.contest.slug)));
    const h = await openHead(key, r.head.signed);
    if (!h) p.push(t('verify.p.bad_signature', key.name, key.id));
    else if (h.origin !== v.origin) p.push(t('verify.p.origin', JSON.stringify(h.origin), JSON.stringify(v.origin)));
    else if (h.size !== r.head.size || !v.root || !same(h.root, v.root)) p.push(t('verify.p.head_fields'));
    return outcome('signature', p, () => t('verify.ok.signature', r.head.size, short(r.head.root), key.name, key.id));
  }

  async function checkInclusion(v) {
    const r = v.r, p = [];
    if (r.records.length === 0) p.push(t('verify.p.no_records'));
    if (!v.root) {
      p.push(t('verify.p.bad_root'));
      return outcome('inclusion', p);
    }
    let sheets = 0;
    for (let i = 0; i < r.records.length; i++) {
      const rec = r.records[i];
      const l = parseLeaf(rec.leaf);
      if (!l) { p.push(t('verify.p.unreadable_record', i + 1)); continue; }
      if (rec.kind === 'sheet') sheets++;
      if (rec.index !== l.seq - 1) { p.push(t('verify.p.reordered', l.seq, rec.index + 1, l.seq)); continue; }
      if (rec.index < 0 || rec.index >= r.head.size) { p.push(t('verify.p.beyond', l.seq, r.head.size)); continue; }
      const proof = hashes(rec.proof);
      const ok = proof && await inclusion(rec.index, r.head.size, await leafHash(enc.encode(rec.leaf)), proof, v.root);
      if (!ok) p.push(t('verify.p.not_in_log', l.seq, l.action));
    }
    return outcome('inclusion', p, () => t('verify.ok.inclusion', r.records.length, sheets));
  }

  // publication reads a publication payload as Go's decoder would into
  // PublicationPayload; null when it cannot.
  function publication(payload) {
    if (payload === undefined) return null; // no payload at all: Go cannot decode it either
    if (payload === null) return { version: 0, results: [] };
    if (typeof payload !== 'object' || Array.isArray(payload)) return null;
    const version = payload.version == null ? 0 : payload.version;
    const results = payload.results == null ? [] : payload.results;
    if (!isInt(version) || !Array.isArray(results)) return null;
    const out = [];
    for (const x of results) {
      if (x === null) { out.push({ entry: '', rank: 0, score: 0, advanced: false, award: '', sheets: [] }); continue; }
      if (typeof x !== 'object' || Array.isArray(x)) return null;
      const line = {
        entry: x.entry == null ? '' : x.entry, rank: x.rank == null ? 0 : x.rank, score: x.score == null ? 0 : x.score,
        advanced: x.advanced == null ? false : x.advanced, award: x.award == null ? '' : x.award, sheets: x.sheets == null ? [] : x.sheets,
      };
      if (!isStr(line.entry) || !isInt(line.rank) || !isInt(line.score) || typeof line.advanced !== 'boolean' ||
        !isStr(line.award) || !Array.isArray(line.sheets) || !line.sheets.every(isInt)) return null;
      out.push(line);
    }
    return { version, results: out };
  }

  function checkResult(v) {
    const r = v.r, p = [];
    let pub = null, pubs = 0;
    const sheets = [];
    r.records.forEach((rec, i) => {
      const l = parseLeaf(rec.leaf);
      if (!l) { p.push(t('verify.p.unreadable_record', i + 1)); return; }
      if (rec.kind === 'publication') { pubs++; pub = l; } else if (rec.kind === 'sheet') sheets.push(l);
      else p.push(t('verify.p.unknown_kind', l.seq, JSON.stringify(rec.kind)));
    });
    if (pubs !== 1) {
      p.push(t('verify.p.publications', pubs));
      return outcome('result', p);
    }
    let pp = { version: 0, results: [] };
    if (pub.action !== 'results.published' || pub.subject !== r.round.key) {
      p.push(t('verify.p.not_publication', pub.seq, r.round.name || r.round.key));
    } else if (!(pp = publication(pub.payload))) {
      pp = { version: 0, results: [] };
      p.push(t('verify.p.pub_unreadable'));
    } else if (pp.version !== r.round.version) {
      p.push(t('verify.p.version', pp.version, r.round.version));
    }
    const named = pp.results.filter((x) => x.entry === r.entry.code);
    if (p.length === 0 && named.length !== 1) {
      p.push(t('verify.p.named', r.entry.code, named.length));
    } else if (p.length === 0) {
      const line = named[0], res = r.result;
      if (line.score !== res.score || line.rank !== res.rank || line.advanced !== res.advanced || line.award !== res.award) {
        p.push(t('verify.p.result', r.entry.code, describe(line.score, line.rank, line.advanced, line.award),
          describe(res.score, res.rank, res.advanced, res.award)));
      }
      const carried = new Map();
      for (const s of sheets) {
        carried.set(s.seq, (carried.get(s.seq) || 0) + 1);
        if (s.action !== 'score.submitted' || s.subject !== r.entry.code) p.push(t('verify.p.not_sheet', s.seq, r.entry.code));
        if (s.seq >= pub.seq) p.push(t('verify.p.sheet_after', s.seq, pub.seq));
      }
      const wanted = new Set(line.sheets);
      for (const seq of line.sheets) if (!carried.get(seq)) p.push(t('verify.p.sheet_removed', seq));
      for (const s of sheets) {
        if (!wanted.has(s.seq)) p.push(t('verify.p.sheet_added', s.seq));
        else if (carried.get(s.seq) > 1) { p.push(t('verify.p.sheet_twice', s.seq)); carried.set(s.seq, 1); }
      }
    }
    return outcome('result', p, () => t('verify.ok.result', r.round.name || r.round.key, r.round.version, r.entry.code,
      describe(r.result.score, r.result.rank, r.result.advanced, r.result.award), sheets.length));
  }

  // extends: the head (size, root) extends the earlier one by the proof (base64 hashes).
  async function extendsHead(size, rootHash, oldSize, oldRoot, proof) {
    if (!proof) return false;
    if (oldSize === size) return same(oldRoot, rootHash) && proof.length === 0;
    const p = hashes(proof);
    if (!p || oldSize < 1 || oldSize > size) return false;
    return consistency(oldSize, size, oldRoot, rootHash, p);
  }

  async function checkHistory(v) {
    const r = v.r, p = [];
    if (!v.key || !v.root) {
      p.push(t('verify.p.no_key_head'));
      return outcome('history', p);
    }
    for (const e of r.earlier_heads) {
      const h = await openHead(v.key, e.signed);
      const eroot = hash32(e.root);
      if (!h) p.push(t('verify.p.earlier_unsigned', e.size));
      else if (h.origin !== v.origin || h.size !== e.size || !eroot || !same(h.root, eroot)) p.push(t('verify.p.earlier_fields', e.size));
      else if (e.size > r.head.size) p.push(t('verify.p.shrank', e.size, r.head.size));
      else if (!await extendsHead(r.head.size, v.root, e.size, eroot, e.consistency)) p.push(t('verify.p.rewritten', e.size, short(e.root)));
    }
    if (r.earlier_heads.length === 0) return outcome('history', p, () => t('verify.ok.history_none'));
    return outcome('history', p, () => t('verify.ok.history', r.earlier_heads.length));
  }

  // signedHeads returns a receipt's head and the earlier heads the key signs.
  async function signedHeads(key, r) {
    const origin = 'podium/' + r.contest.slug;
    const h = await openHead(key, r.head.signed);
    if (!h || h.origin !== origin) return null;
    const earlier = [];
    for (const e of r.earlier_heads) {
      const eh = await openHead(key, e.signed);
      if (eh && eh.origin === origin) earlier.push({ size: eh.size, root: eh.root, consistency: e.consistency });
    }
    return { head: { size: h.size, root: h.root }, earlier };
  }

  async function checkEarlier(v, list) {
    const r = v.r, p = [];
    if (list.length === 0) return outcome('earlier', p, () => t('verify.ok.earlier_none'));
    const mine = v.key && await signedHeads(v.key, r);
    if (!mine) {
      p.push(t('verify.p.own_unsigned'));
      return outcome('earlier', p);
    }
    const head = mine.head;
    for (let i = 0; i < list.length; i++) {
      const e = list[i], n = i + 1;
      if (e.verifier_key !== r.verifier_key || e.contest.slug !== r.contest.slug) { p.push(t('verify.p.other_contest', n)); continue; }
      const theirs = await signedHeads(v.key, e);
      if (!theirs) { p.push(t('verify.p.earlier_receipt_unsigned', n)); continue; }
      const eh = theirs.head;
      let rewritten = false, linked = false;
      for (const a of [head].concat(mine.earlier)) {
        for (const b of [eh].concat(theirs.earlier)) if (a.size === b.size && !same(a.root, b.root)) rewritten = true;
      }
      if (eh.size === head.size) {
        linked = same(eh.root, head.root);
      } else if (eh.size < head.size) {
        for (const m of mine.earlier) {
          if (m.size === eh.size && same(m.root, eh.root)) {
            linked = await extendsHead(head.size, head.root, eh.size, eh.root, m.consistency);
            rewritten = rewritten || !linked;
          }
        }
      } else {
        for (const x of theirs.earlier) {
          if (x.size === head.size && same(x.root, head.root)) {
            linked = await extendsHead(eh.size, eh.root, head.size, head.root, x.consistency);
            rewritten = rewritten || !linked;
          }
        }
      }
      if (rewritten) p.push(t('verify.p.rewritten_receipts', n, eh.size, head.size));
      else if (!linked) p.push(t('verify.p.unlinked', n, eh.size));
    }
    return outcome('earlier', p, () => t('verify.ok.earlier', list.length));
  }

  // ---- the published heads (the page's own check) ----

  // published compares the receipt with the heads the contest publishes.
  // Its state is "unknown" when they cannot be fetched.
  async function published(r) {
    let data;
    try {
      const res = await fetch(root.dataset.heads, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) throw new Error('status ' + res.status);
      data = await res.json();
      if (!data || !Array.isArray(data.heads)) throw new Error('no heads');
    } catch (e) {
      return { name: 'published', state: 'unknown', detail: t('verify.p.heads_unavailable') };
    }
    const p = [];
    if (r.contest.slug !== root.dataset.slug) p.push(t('verify.p.other_contest_page', r.contest.slug));
    if (data.verifier_key && data.verifier_key !== r.verifier_key) p.push(t('verify.p.published_key', data.verifier_key, r.verifier_key));
    const mine = [{ size: r.head.size, root: r.head.root }].concat(r.earlier_heads.map((e) => ({ size: e.size, root: e.root })));
    const conflicts = new Set();
    for (const h of data.heads) {
      for (const m of mine) if (h.size === m.size && h.root !== m.root) conflicts.add(m.size);
    }
    for (const size of conflicts) p.push(t('verify.p.published_conflict', size));
    if (!data.heads.some((h) => h.size === r.head.size && h.root === r.head.root) && !conflicts.has(r.head.size)) {
      p.push(t('verify.p.not_published', r.head.size));
    }
    if (p.length > 0) return { name: 'published', state: 'fail', detail: p.join(' ') };
    return { name: 'published', state: 'ok', detail: t('verify.ok.published') };
  }

  // ---- the page ----

  const form = document.getElementById('verify-form');
  const result = document.getElementById('verify-result');
  const verdict = document.getElementById('verify-verdict');
  const about = document.getElementById('verify-about');
  const list = document.getElementById('verify-checks');

  function show(state, text, checks, aboutText) {
    result.hidden = false;
    verdict.dataset.ok = state;
    verdict.textContent = text;
    about.textContent = aboutText || '';
    list.replaceChildren(...(checks || []).map((c) => {
      const li = document.createElement('li');
      li.dataset.check = c.name;
      li.dataset.state = c.state;
      const mark = document.createElement('span');
      mark.className = 'mark';
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = { ok: '✓', fail: '✗', unknown: '?' }[c.state];
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = t('verify.check.' + c.name);
      const said = document.createElement('span');
      said.className = 'sr'; // the mark, for screen readers
      said.textContent = ' (' + t('verify.state.' + c.state) + ')';
      name.append(said);
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = c.detail;
      li.append(mark, name, detail);
      return li;
    }));
    if (state !== 'busy') {
      root.dataset.state = 'done';
      // On a phone the form pushes the verdict out of sight: bring it back.
      if (verdict.getBoundingClientRect().top < 0) verdict.scrollIntoView({ block: 'start' });
    }
  }

  function parse(text) {
    try { return readReceipt(JSON.parse(text)); } catch (e) { return null; }
  }

  async function run(text, earlierTexts) {
    root.dataset.state = 'busy';
    show('busy', t('verify.checking'));
    if (!subtle) return show('false', t('verify.no_crypto'));
    const r = parse(text);
    const earlier = earlierTexts.map(parse);
    if (!r || earlier.some((e) => !e)) return show('false', t('verify.unreadable'));
    const five = await verify(r, earlier);
    const checks = five.map((c) => ({ name: c.name, state: c.ok ? 'ok' : 'fail', detail: c.detail }));
    checks.push(await published(r));
    const failed = checks.filter((c) => c.state === 'fail');
    const aboutText = t('verify.about', r.entry.code, r.entry.title, r.contest.name, r.round.name, r.round.version);
    if (failed.length === 0) return show('true', t('verify.verdict_ok'), checks, aboutText);
    const names = failed.map((c) => t('verify.check.' + c.name)).join(t('verify.list_sep'));
    show('false', t('verify.verdict_fail') + ' — ' + t('verify.verdict_failed', names), checks, aboutText);
  }

  async function fetchText(url) {
    const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error('status ' + res.status);
    return res.text();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = document.getElementById('receipt-file').files[0];
    const text = file ? await file.text() : document.getElementById('receipt-text').value.trim();
    if (!text) return show('false', t('verify.nothing'));
    const earlier = await Promise.all(Array.from(document.getElementById('earlier-files').files, (f) => f.text()));
    run(text, earlier);
  });

  // The language switch keeps ?receipt= and ?earlier=, so the check reruns in the other language.
  const lang = document.querySelector('a.lang[hreflang]');
  if (lang) {
    const u = new URL(window.location.href);
    u.searchParams.set('lang', lang.getAttribute('hreflang'));
    lang.href = u.pathname + u.search;
  }

  // ?receipt= (and ?earlier=): a receipt on this site, checked at once.
  if (root.dataset.receipt) {
    const urls = JSON.parse(root.dataset.earlier || '[]');
    (async () => {
      let text, earlier;
      try {
        text = await fetchText(root.dataset.receipt);
      } catch (e) {
        return show('false', t('verify.fetch_failed', root.dataset.receipt));
      }
      try {
        earlier = await Promise.all(urls.map(fetchText));
      } catch (e) {
        return show('false', t('verify.fetch_failed', urls.join(', ')));
      }
      run(text, earlier);
    })();
  }
})();
