// Suyuan consumer page: verifies what the page shows, in the browser, with WebCrypto only
// (SHA-256 and Ed25519; no cryptography written here). It says "verified" only when every
// check below passes; otherwise it lists exactly what failed.
//  1. the checkpoint note is signed by the log key pinned in this page;
//  2. every entry (the item's and its signers' registrations) is included in that
//     checkpoint's tree (RFC 9162 inclusion proofs over SHA-256 leaf and node hashes);
//  3. every entry's event is signed (Ed25519 over "suyuan-event-v1\n" + the event bytes
//     sliced out of the entry) by a key its signer had registered at that position,
//     in a role allowed to record that type; registrations are replayed to know that;
//  4. the evidence is complete: every chain it gives, every signer's registrations and
//     every order of the story hold exactly as many entries as the log's head map says,
//     the newest included (head proofs against the checkpoint's head map root, FORMAT.md
//     §5.1), so no recall appended later can be left out;
//  5. every fact the page shows equals what the verified entry says, no entry is left
//     out, and every recall or failed test has its warning;
//  6. the item code at the top (and its GTIN, lot, serial or SSCC) is the item the
//     verified entries are about: entries on its own chain, proven complete;
//  7. what the page derives from the entries is what they give: the product's status
//     (a recall in force, else a failed test in force, else none), a parcel's contents
//     (packed into it, less unpacked since) and which test results exceed their limit.
// What it reports is in the page's language (cfg.words); the details after each
// problem are technical, or language-neutral where they compare shown and signed text.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('sy-config').textContent);
  var W = cfg.words || {};
  function w(k) { return Object.prototype.hasOwnProperty.call(W, k) ? W[k] : k; }
  // A word with its {name} placeholders filled in.
  function fill(k, vars) { return w(k).replace(/\{(\w+)\}/g, function (m, n) { return Object.prototype.hasOwnProperty.call(vars, n) ? String(vars[n]) : m; }); }
  var statusEl = document.getElementById('sy-status');
  var listEl = document.getElementById('sy-problems');
  var problems = [];
  var utf8 = new TextEncoder();

  // The status line: its headline in bold, then what it means.
  function setStatus(state, head, detail) {
    statusEl.setAttribute('data-state', state);
    statusEl.textContent = '';
    var b = document.createElement('strong');
    b.textContent = detail ? head + w('sep') : head;
    statusEl.appendChild(b);
    if (detail) statusEl.appendChild(document.createTextNode(detail));
  }
  function problem(code, detail) { problems.push({ code: code, detail: detail }); }

  function b64(s) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
      throw new Error('not base64: ' + String(s).slice(0, 20));
    }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function hex(s) {
    if (typeof s !== 'string' || !/^[0-9a-f]{64}$/.test(s)) throw new Error('not a 64-hex hash');
    var out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  function toHex(b) { return Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join(''); }
  function concat() {
    var n = 0, i, parts = arguments;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n), o = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], o); o += parts[i].length; }
    return out;
  }
  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }
  var keyCache = new Map();
  async function ed25519(pub, sig, msg) {
    var k = toHex(pub);
    if (!keyCache.has(k)) keyCache.set(k, crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']));
    return crypto.subtle.verify({ name: 'Ed25519' }, await keyCache.get(k), sig, msg);
  }

  // The pinned log key: a C2SP verifier key "name+keyid+base64(0x01 || key)".
  async function parseVerifierKey(s) {
    var a = s.indexOf('+'), b = s.indexOf('+', a + 1);
    if (a <= 0 || b < 0) throw new Error('not a verifier key');
    var name = s.slice(0, a), id = s.slice(a + 1, b), data = b64(s.slice(b + 1));
    if (data.length !== 33 || data[0] !== 1) throw new Error('not an Ed25519 verifier key');
    var key = data.slice(1);
    var kid = (await sha256(concat(utf8.encode(name), new Uint8Array([10, 1]), key))).slice(0, 4);
    if (toHex(kid) !== id) throw new Error('key id does not match the key');
    return { name: name, key: key, id: kid };
  }

  // A C2SP signed note checkpoint, verified against the pinned key.
  async function verifyCheckpoint(note, lk) {
    var cut = note.indexOf('\n\n');
    if (cut < 0) throw new Error('no blank line before the signatures');
    var text = note.slice(0, cut + 1), sigs = note.slice(cut + 2);
    var lines = text.split('\n');
    if (lines.length < 5) throw new Error('too few lines');
    var origin = lines[0], size = lines[1], root = b64(lines[2]);
    if (lines[3].indexOf(HEADS_LINE) !== 0) throw new Error('no head map line');
    var heads = b64(lines[3].slice(HEADS_LINE.length));
    if (heads.length !== 32) throw new Error('the head map root is not 32 bytes');
    if (!/^(0|[1-9][0-9]*)$/.test(size)) throw new Error('tree size is not a number');
    if (root.length !== 32) throw new Error('root is not 32 bytes');
    if (origin !== lk.name) throw new Error('origin is ' + origin + ', the pinned key is for ' + lk.name);
    var good = false;
    var sl = sigs.split('\n');
    for (var i = 0; i < sl.length; i++) {
      if (sl[i] === '') continue;
      if (sl[i].indexOf('\u2014 ') !== 0) throw new Error('malformed signature line');
      var rest = sl[i].slice(2), sp = rest.indexOf(' ');
      if (sp < 0) throw new Error('malformed signature line');
      if (rest.slice(0, sp) !== lk.name) continue;
      var sig = b64(rest.slice(sp + 1));
      if (sig.length !== 68 || !same(sig.slice(0, 4), lk.id)) continue;
      if (!(await ed25519(lk.key, sig.slice(4), utf8.encode(text)))) throw new Error('the log signature does not verify');
      good = true;
    }
    if (!good) throw new Error('no signature by the pinned log key');
    return { size: Number(size), root: root, heads: heads, origin: origin };
  }
  var HEADS_LINE = 'suyuan-heads ';

  // FORMAT.md §5.1: a head proof against the head map root. Returns the proven count (0:
  // the key has no entries) and the newest seq.
  var HEAD_INDEX = { chain: 0, document: 1 };
  function be64(n) {
    var b = new Uint8Array(8), dv = new DataView(b.buffer);
    dv.setUint32(0, Math.floor(n / 4294967296));
    dv.setUint32(4, n >>> 0);
    return b;
  }
  function bitOf(k, d) { return (k[d >> 3] >> (7 - (d & 7))) & 1; }
  function count(n) { return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0; }
  async function headLeaf(k, c, last) { return sha256(concat(new Uint8Array([2]), k, be64(c), be64(last))); }
  async function verifyHead(p, root) {
    if (!p || typeof p.key !== 'string' || !HEAD_INDEX.hasOwnProperty(p.index) || !Array.isArray(p.path) || p.path.length > 256 || !count(p.count)) {
      throw new Error('a malformed head proof');
    }
    var name = p.index + ' ' + p.key;
    var k = await sha256(concat(new Uint8Array([HEAD_INDEX[p.index]]), utf8.encode(p.key)));
    var path = p.path.map(hex), h;
    if (p.count > 0) {
      if (p.other !== undefined || !count(p.last)) throw new Error(name + ': a malformed head proof');
      h = await headLeaf(k, p.count, p.last);
    } else if (p.other !== undefined) {
      var o = p.other, ok = hex(o && o.key_hash);
      if (!count(o.count) || o.count === 0 || !count(o.last) || same(ok, k)) throw new Error(name + ': a malformed head proof');
      for (var d = 0; d < path.length; d++) if (bitOf(ok, d) !== bitOf(k, d)) throw new Error(name + ': the other leaf is not on the key\'s path');
      h = await headLeaf(ok, o.count, o.last);
    } else {
      h = new Uint8Array(32);
    }
    for (var i = path.length - 1; i >= 0; i--) {
      h = await sha256(bitOf(k, i) ? concat(new Uint8Array([3]), path[i], h) : concat(new Uint8Array([3]), h, path[i]));
    }
    if (!same(h, root)) throw new Error(name + ': the head proof does not lead to the checkpoint\'s head map root');
    return { count: p.count, last: p.count > 0 ? p.last : null };
  }

  // Check 4: every chain given, every signer's registration chain and every order of the
  // story, against its proven head.
  async function checkHeads(bundle, cp, regs, entries) {
    if (!Array.isArray(bundle.heads)) { problem('complete', 'the evidence carries no head proofs'); return; }
    var proven = {};
    for (var i = 0; i < bundle.heads.length; i++) {
      var p = bundle.heads[i];
      try { proven[p.index + ' ' + p.key] = await verifyHead(p, cp.heads); } catch (e) { problem('complete', e.message); }
    }
    var all = regs.concat(entries), wanted = {};
    (bundle.chains || []).forEach(function (c) { wanted['chain ' + c] = true; });
    all.forEach(function (e) { if (e.event) wanted['chain actor:' + e.event.actor] = true; });
    entries.forEach(function (e) {
      var ev = e.event;
      if (ev && ev.type === 'trade' && e.via !== 'chain' && ev.body && typeof ev.body.order_no === 'string') wanted['document order:' + ev.body.order_no] = true;
      if (e.via === 'chain' && e.prev.indexOf(bundle.item) >= 0) problem('bundle', '#' + e.seq + ' is on the item\'s own chain but marked as outside its story');
      if (e.via === 'item' && e.prev.indexOf(bundle.item) < 0) problem('item', '#' + e.seq + ' is given as the item\'s own but is not on the chain of ' + bundle.item);
    });
    // The item's own chain is always part of its story, so its head proof is needed.
    wanted['chain ' + bundle.item] = true;
    Object.keys(wanted).sort().forEach(function (name) {
      var sp = name.indexOf(' '), index = name.slice(0, sp), key = name.slice(sp + 1);
      var held = all.filter(function (e) {
        if (index === 'chain') return e.prev.indexOf(key) >= 0;
        return e.event && e.event.body && typeof e.event.body.order_no === 'string' && 'order:' + e.event.body.order_no === key;
      }).map(function (e) { return e.seq; });
      var newest = held.length ? Math.max.apply(null, held) : null;
      var head = proven[name];
      if (!head) { problem('complete', name + ': no head proof'); return; }
      if (head.count !== held.length || head.last !== newest) {
        problem('complete', name + ' has ' + head.count + ' entries (the newest #' + head.last + '), the evidence holds ' + held.length);
      }
    });
  }

  // RFC 9162 section 2.1.3.2.
  async function verifyInclusion(leaf, index, size, proof, root) {
    if (!(index < size)) return false;
    var fn = index, sn = size - 1, r = leaf;
    var one = new Uint8Array([1]);
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(one, p, r));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await sha256(concat(one, r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && same(r, root);
  }

  var SIGNED = ',"signed":{"event":';
  var SIG = ',"signature":"';
  // Checks one bundle record: inclusion and event signature. Returns its parsed event.
  async function checkRecord(rec, cp) {
    var res = { seq: rec.seq, via: rec.via, event: null, prev: [], errors: [] };
    if (typeof rec.seq !== 'number' || typeof rec.entry !== 'string' || !Array.isArray(rec.proof)) {
      res.errors.push(['bundle', 'a record lacks seq, entry or proof']);
      return res;
    }
    var text = rec.entry, bytes = utf8.encode(text);
    var leaf = await sha256(concat(new Uint8Array([0]), bytes));
    var proof;
    try { proof = rec.proof.map(hex); } catch (e) { res.errors.push(['inclusion', '#' + rec.seq + ': ' + e.message]); return res; }
    if (!(await verifyInclusion(leaf, rec.seq, cp.size, proof, cp.root))) {
      res.errors.push(['inclusion', '#' + rec.seq + ' is not in the tree of size ' + cp.size]);
    }
    var entry;
    try { entry = JSON.parse(text); } catch (e) { res.errors.push(['bundle', '#' + rec.seq + ': entry is not JSON']); return res; }
    if (entry.seq !== rec.seq) res.errors.push(['bundle', '#' + rec.seq + ': the entry says seq ' + entry.seq]);
    if (entry.prev && typeof entry.prev === 'object') res.prev = Object.keys(entry.prev);
    var sig;
    try { sig = b64(entry.signed && entry.signed.signature); } catch (e) { sig = new Uint8Array(0); }
    var start = text.indexOf(SIGNED), end = text.length - (SIG.length + 88 + 3);
    if (start < 0 || sig.length !== 64 || text.slice(end) !== SIG + entry.signed.signature + '"}}') {
      res.errors.push(['bundle', '#' + rec.seq + ': the entry does not have the entry layout']);
      return res;
    }
    var eventText = text.slice(start + SIGNED.length, end);
    var event;
    try { event = JSON.parse(eventText); } catch (e) { res.errors.push(['bundle', '#' + rec.seq + ': signed event is not JSON']); return res; }
    if (JSON.stringify(event) !== JSON.stringify(entry.signed.event)) {
      res.errors.push(['bundle', '#' + rec.seq + ': the signed event is not the entry\'s event']);
      return res;
    }
    var key;
    try {
      if (typeof event.key !== 'string' || event.key.indexOf('ed25519:') !== 0) throw new Error('bad key');
      key = b64(event.key.slice(8));
      if (key.length !== 32) throw new Error('bad key');
    } catch (e) { res.errors.push(['signature', '#' + rec.seq + ': the event names no Ed25519 key']); return res; }
    var refused = suyuanKeyRule(key);
    if (refused) { res.errors.push(['weak_key', '#' + rec.seq + ': the signing key is refused (' + refused + ')']); return res; }
    var ok = false;
    try { ok = await ed25519(key, sig, concat(utf8.encode('suyuan-event-v1\n'), utf8.encode(eventText))); } catch (e) { ok = false; }
    if (!ok) res.errors.push(['signature', '#' + rec.seq + ' (' + event.type + ' by ' + event.actor + ')']);
    res.event = event;
    return res;
  }

  function keyValid(actor, key, seq) {
    var k = actor && actor.keys[key];
    if (!k) return 'key ' + key + ' is not registered to ' + (actor ? actor.id : 'this actor');
    if (!(k.added < seq)) return 'key was registered only by entry ' + k.added;
    if (k.revoked !== undefined && k.revoked < seq) return 'key was revoked by entry ' + k.revoked;
    return null;
  }
  function hasRole(actor, type) {
    var allowed = cfg.policy[type] || [];
    return actor.roles.some(function (r) { return allowed.indexOf(r) >= 0; });
  }

  // Replays the signers' registrations, in log order.
  function replay(regs) {
    var actors = {};
    regs.sort(function (a, b) { return a.seq - b.seq; });
    regs.forEach(function (r) {
      var ev = r.event, seq = r.seq;
      if (!ev) return;
      if (ev.type !== 'registration') { r.errors.push(['bundle', '#' + seq + ' is listed as a registration but is a ' + ev.type]); return; }
      var b = ev.body || {};
      (b.keys || []).concat(b.key ? [b.key] : [], b.new_key ? [b.new_key] : []).forEach(function (k) {
        var why = 'not an Ed25519 key';
        try { if (typeof k === 'string' && k.indexOf('ed25519:') === 0) why = suyuanKeyRule(b64(k.slice(8))); } catch (e) { /* stays refused */ }
        if (why) r.errors.push(['weak_key', '#' + seq + ' registers a refused key (' + why + ')']);
      });
      if (b.action === 'genesis') {
        if (seq !== 0 || ev.actor !== b.subject || (b.keys || []).indexOf(ev.key) < 0) r.errors.push(['signer', '#' + seq + ': a genesis that is not the self-signed first entry']);
      } else {
        var signer = actors[ev.actor];
        if (!signer) r.errors.push(['signer', '#' + seq + ': ' + ev.actor + ' is not registered']);
        else {
          var why = keyValid(signer, ev.key, seq);
          if (why) r.errors.push(['signer', '#' + seq + ': ' + why]);
          if (!hasRole(signer, 'registration')) r.errors.push(['signer', '#' + seq + ': ' + ev.actor + ' is not a registrar']);
        }
      }
      if (b.action === 'genesis' || b.action === 'register') {
        var keys = {};
        (b.keys || []).forEach(function (k) { keys[k] = { added: seq }; });
        actors[b.subject] = { id: b.subject, name: b.name, roles: b.roles || [], keys: keys };
      } else if (actors[b.subject]) {
        var a = actors[b.subject];
        if (b.action === 'add_key') a.keys[b.key] = { added: seq };
        if ((b.action === 'revoke_key' || b.action === 'rotate_key') && a.keys[b.key]) a.keys[b.key].revoked = seq;
        if (b.action === 'rotate_key') a.keys[b.new_key] = { added: seq };
      }
    });
    return actors;
  }

  function get(obj, path) {
    var cur = obj, parts = path.split('.');
    for (var i = 0; i < parts.length; i++) {
      var m = /^([^\[]*)((?:\[\d+\])*)$/.exec(parts[i]);
      if (!m) return undefined;
      if (m[1] !== '') { if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, m[1])) return undefined; cur = cur[m[1]]; }
      var idx = m[2].match(/\d+/g) || [];
      for (var j = 0; j < idx.length; j++) { if (!Array.isArray(cur)) return undefined; cur = cur[Number(idx[j])]; }
      if (cur === undefined) return undefined;
    }
    return cur === null ? undefined : cur;
  }
  function text(v) { return typeof v === 'string' ? v : JSON.stringify(v); }
  function label(field, v) { var k = field + '.' + text(v); return Object.prototype.hasOwnProperty.call(W, k) ? W[k] : text(v); }
  // What a marked value shows; the server's page::display is the same function.
  function display(kind, v) {
    if (kind === 'd') return text(v).replace('T', ' ');
    if (kind === 'q') return text(v.value) + ' ' + label('uom', v.uom);
    if (kind === 'm') return text(v.amount) + ' ' + text(v.currency);
    if (kind === 'r') { var n = Math.max(0, Math.min(5, typeof v === 'number' ? v : 0)); return '★'.repeat(n) + '☆'.repeat(5 - n); }
    if (kind.indexOf('e:') === 0) return label(kind.slice(2), v);
    return text(v);
  }

  // Compares two decimal strings (FORMAT.md's Decimal) exactly: -1, 0 or 1; null if
  // either is not one. The server's view::exceeds compares the same way.
  function cmpDecimal(a, b) {
    var re = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/, x = re.exec(a), y = re.exec(b);
    if (typeof a !== 'string' || typeof b !== 'string' || !x || !y) return null;
    var scale = Math.max((x[3] || '').length, (y[3] || '').length);
    function big(m) { var v = BigInt(m[2] + (m[3] || '').padEnd(scale, '0')); return m[1] ? -v : v; }
    var p = big(x), q = big(y);
    return p < q ? -1 : p > q ? 1 : 0;
  }
  function exceeds(r) { return !!r && r.below_loq !== true && r.limit !== undefined && cmpDecimal(r.value, r.limit) === 1; }
  // The lot an item belongs to (the item itself for a lot); null for others.
  function lotOf(item) { var m = /^(01\/[^\/]+\/10\/[^\/]+)(?:\/21\/[^\/]+)?$/.exec(item); return m ? m[1] : null; }
  // The parts of an item key as its label prints them (gs1.rs Item::parse).
  function keyParts(item) {
    var s = item.split('/'), out = {};
    try {
      if (s.length === 2 && s[0] === '00') out.sscc = s[1];
      else if (s[0] === '01' && s.length % 2 === 0) {
        out.gtin = s[1];
        for (var i = 2; i < s.length; i += 2) out[s[i] === '10' ? 'lot' : s[i] === '21' ? 'serial' : '?'] = decodeURIComponent(s[i + 1]);
      }
    } catch (e) { return {}; }
    return out;
  }
  // An entry that raises a warning: 'recall', 'fail' or null.
  function alertKind(ev) { return ev.type === 'recall' ? 'recall' : (ev.type === 'inspection' && ev.body && ev.body.verdict === 'fail') ? 'fail' : null; }

  // Check 6: the code the page shows is the item of the verified story.
  function checkItem(entries) {
    var codes = document.querySelectorAll('[data-item-code]');
    if (codes.length === 0) problem('item', 'the page shows no item code');
    codes.forEach(function (el) { if (el.textContent !== cfg.item) problem('item', '"' + el.textContent + '" ≠ ' + cfg.item); });
    var parts = keyParts(cfg.item);
    document.querySelectorAll('[data-item-part]').forEach(function (el) {
      var name = el.getAttribute('data-item-part');
      if (parts[name] !== el.textContent) problem('item', name + ' "' + el.textContent + '" ≠ "' + (parts[name] === undefined ? '' : parts[name]) + '"');
    });
    var own = entries.filter(function (e) { return e.via === 'item' && e.event && e.errors.length === 0 && e.prev.indexOf(cfg.item) >= 0; });
    if (own.length === 0) problem('item', 'no verified entry is on the chain of ' + cfg.item);
  }

  // Check 7: the product's status, from the warnings the page shows (each checked to be
  // a verified recall or failed test): one declared in error is not in force, and the
  // corrections it names must be verified corrections of the story. (Which entry a
  // correction targets is a BLAKE3 hash WebCrypto cannot compute; suyuan verify checks it.)
  function checkStatus(bySeq) {
    var inForce = {};
    document.querySelectorAll('[data-alert]').forEach(function (el) {
      var seq = Number(el.getAttribute('data-alert-seq')), kind = el.getAttribute('data-alert'), e = bySeq[seq];
      if (!e || !e.event || e.via === 'chain' || alertKind(e.event) !== kind) { problem('alert', '#' + seq + ' (' + kind + ')'); return; }
      var by = (el.getAttribute('data-corrected-by') || '').split(' ').filter(Boolean);
      by.forEach(function (s) {
        var c = bySeq[Number(s)];
        if (!c || !c.event || c.via === 'chain' || c.event.type !== 'correction' || c.seq >= cfg.page_size) problem('status', '#' + seq + ': #' + s + ' is not a correction of the story');
      });
      if (by.length === 0) inForce[kind] = true;
    });
    var want = inForce.recall ? 'recalled' : inForce.fail ? 'failed' : 'clear';
    var el = document.getElementById('sy-product'), shown = el ? el.getAttribute('data-product') : null;
    if (shown !== want) problem('status', '"' + shown + '" ≠ "' + want + '"');
  }

  // Check 7: a parcel's contents, replayed from the verified packings and unpackings that
  // name it as parent, in log order, as the page was made (before page_size).
  function checkContents(entries, bySeq) {
    var held = {};
    entries.filter(function (e) {
      var ev = e.event;
      return ev && e.via === 'item' && e.seq < cfg.page_size && ev.type === 'logistics' && ev.what && ev.what.parent === cfg.item && Array.isArray(ev.what.items);
    }).sort(function (a, b) { return a.seq - b.seq; }).forEach(function (e) {
      var st = e.event.body && e.event.body.status;
      e.event.what.items.forEach(function (it, i) {
        if (typeof it !== 'string') return;
        if (st === 'packed') held[it] = { key: e.seq + ' what.items[' + i + ']', out: false };
        else if (st === 'unpacked' && held[it]) held[it].out = true;
      });
    });
    var want = Object.keys(held).map(function (it) { return (held[it].out ? 'out ' : 'in ') + held[it].key; }).sort();
    var shown = [];
    document.querySelectorAll('[data-content]').forEach(function (li) {
      var m = li.querySelector('[data-p^="what.items["]');
      shown.push(li.getAttribute('data-content') + ' ' + (m ? m.getAttribute('data-s') + ' ' + m.getAttribute('data-p') : '?'));
      var p = li.querySelector('[data-content-product] [data-s]'), item = m ? m.textContent : '';
      if (p) {
        var pe = bySeq[Number(p.getAttribute('data-s'))], lot = lotOf(item);
        var items = pe && pe.event && pe.event.what && pe.event.what.items;
        if (!pe || !pe.event || pe.event.type !== 'production' || !lot || !Array.isArray(items) || items.indexOf(lot) < 0) problem('contents', item + ': #' + p.getAttribute('data-s') + ' is not the production of its lot');
      }
    });
    shown.sort();
    if (JSON.stringify(shown) !== JSON.stringify(want)) problem('contents', '[' + shown.join(', ') + '] ≠ [' + want.join(', ') + ']');
  }

  // Check 7: a result row is marked as exceeding its limit exactly when it does.
  function checkResults(bySeq) {
    document.querySelectorAll('[data-result]').forEach(function (tr) {
      var id = tr.getAttribute('data-result').split(' '), e = bySeq[Number(id[0])];
      var r = e && e.event && e.event.body && Array.isArray(e.event.body.results) ? e.event.body.results[Number(id[1])] : undefined;
      if (r === undefined) { problem('unproven', '#' + id[0] + ' body.results[' + id[1] + ']'); return; }
      var marked = tr.querySelector('[data-exceeds]') !== null && tr.classList.contains('exceeds');
      if (marked !== exceeds(r)) problem('shown', '#' + id[0] + ' body.results[' + id[1] + ']: ' + (marked ? '✗' : '✓') + ' ≠ ' + r.value + (exceeds(r) ? ' > ' : ' ≤ ') + r.limit);
    });
  }

  async function run() {
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
      setStatus('unsupported', w('v.unsupported'), w('e.crypto'));
      return;
    }
    setStatus('checking', w('v.checking'));
    var lk;
    try { lk = await parseVerifierKey(cfg.log_key); } catch (e) { problem('key', e.message); return; }
    try {
      await crypto.subtle.importKey('raw', lk.key, { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      setStatus('unsupported', w('v.unsupported'), w('e.crypto'));
      return 'unsupported';
    }
    var bundle;
    try {
      var resp = await fetch(cfg.bundle, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (!resp.ok) throw new Error('HTTP ' + resp.status);
      bundle = await resp.json();
    } catch (e) { problem('fetch', e.message); return; }
    if (bundle.format !== 'suyuan-bundle-v1') { problem('bundle', 'format ' + bundle.format); return; }
    if (bundle.item !== cfg.item) { problem('bundle', 'the evidence is for ' + bundle.item + ', not ' + cfg.item); return; }
    var cp;
    try { cp = await verifyCheckpoint(String(bundle.checkpoint), lk); } catch (e) { problem('checkpoint', e.message); return; }
    if (bundle.origin !== cp.origin) problem('bundle', 'the evidence says origin ' + bundle.origin + ', its checkpoint is of ' + cp.origin);
    if (!Array.isArray(bundle.entries) || !Array.isArray(bundle.registrations)) { problem('bundle', 'no entries'); return; }
    var regs = await Promise.all(bundle.registrations.map(function (r) { return checkRecord(r, cp); }));
    var entries = await Promise.all(bundle.entries.map(function (r) { return checkRecord(r, cp); }));
    var actors = replay(regs);
    var bySeq = {};
    var signers = {};
    entries.forEach(function (e) { if (e.event) signers[e.event.actor] = true; });
    entries.forEach(function (e) {
      if (bySeq[e.seq]) e.errors.push(['bundle', '#' + e.seq + ' is listed twice']);
      bySeq[e.seq] = e;
      var ev = e.event;
      if (!ev) return;
      if (ev.type === 'registration') return; // registrations are checked by replay
      var a = actors[ev.actor];
      if (!a) { e.errors.push(['signer', '#' + e.seq + ': ' + ev.actor + ' has no registration in the evidence']); return; }
      var why = keyValid(a, ev.key, e.seq);
      if (why) e.errors.push(['signer', '#' + e.seq + ': ' + why]);
      // A correction may also come from the corrected entry's own signer (its target is
      // named by a BLAKE3 hash, which WebCrypto cannot compute; suyuan verify checks it).
      var corrOk = ev.type === 'correction' && signers[ev.actor];
      if (!hasRole(a, ev.type) && !corrOk) e.errors.push(['signer', '#' + e.seq + ': ' + ev.actor + ' (' + a.roles.join(', ') + ') may not record ' + ev.type]);
    });
    regs.concat(entries).forEach(function (e) { e.errors.forEach(function (x) { problem(x[0], x[1]); }); });
    await checkHeads(bundle, cp, regs, entries);

    // What the page shows must be what the verified entries say.
    var shownCards = {};
    document.querySelectorAll('[data-card]').forEach(function (el) {
      var seq = Number(el.getAttribute('data-card'));
      shownCards[seq] = true;
      var e = bySeq[seq], badge = el.querySelector('[data-vb]');
      var ok = e && e.event && e.errors.length === 0 && e.via !== 'chain';
      if (!e || e.via === 'chain') problem('unproven', '#' + seq);
      if (badge) { badge.textContent = ok ? '✔ ' + w('v.entry_ok') : '✘ ' + w('v.entry_bad'); badge.className = 'vb ' + (ok ? 'ok' : 'bad'); }
    });
    var newer = 0;
    entries.forEach(function (e) {
      if (e.via === 'chain' || !e.event || e.event.type === 'registration') return;
      if (!shownCards[e.seq]) {
        if (e.seq < cfg.page_size) problem('missing', '#' + e.seq + ' (' + e.event.type + ')');
        else newer++;
      }
    });
    document.querySelectorAll('[data-s]').forEach(function (el) {
      var seq = Number(el.getAttribute('data-s')), path = el.getAttribute('data-p'), kind = el.getAttribute('data-k') || 't';
      var e = bySeq[seq];
      if (!e || !e.event) { problem('unproven', '#' + seq + ' ' + path); return; }
      var v = get(e.event, path);
      var want = v === undefined ? '(absent)' : display(kind, v);
      if (el.textContent !== want) problem('shown', '#' + seq + ' ' + path + ': "' + el.textContent + '" ≠ "' + want + '"');
    });
    document.querySelectorAll('[data-actor]').forEach(function (el) {
      var id = el.getAttribute('data-actor'), a = actors[id];
      if (!a) problem('unproven', 'actor ' + id + ' has no registration in the evidence');
      else if (el.textContent !== a.name) problem('shown', 'actor ' + id + ': "' + el.textContent + '" ≠ "' + a.name + '"');
    });
    entries.forEach(function (e) {
      var ev = e.event;
      if (!ev || e.via === 'chain' || e.seq >= cfg.page_size) return;
      var kind = alertKind(ev);
      if (!kind) return;
      var el = document.querySelector('[data-alert-seq="' + e.seq + '"]');
      if (!el || el.getAttribute('data-alert') !== kind) problem('alert', '#' + e.seq + ' (' + kind + ')');
    });
    checkItem(entries);
    checkStatus(bySeq);
    checkContents(entries, bySeq);
    checkResults(bySeq);
    if (entries.length === 0) problem('bundle', 'no entries');
    var parties = {};
    Object.keys(shownCards).forEach(function (s) { var e = bySeq[s]; if (e && e.event) parties[e.event.actor] = true; });
    return { records: Object.keys(shownCards).length, parties: Object.keys(parties).length, log: cp.origin, newer: newer };
  }

  run().then(function (r) {
    if (r === 'unsupported' || statusEl.getAttribute('data-state') === 'unsupported') return;
    if (problems.length === 0 && r && r.records > 0) {
      setStatus('verified', w('v.verified'), fill('v.ok_detail', { n: r.records, k: r.parties, log: r.log }));
      if (r.newer > 0) { var li = document.createElement('li'); li.textContent = w('v.newer') + ' (' + r.newer + ')'; li.className = 'note'; listEl.appendChild(li); }
      return;
    }
    if (problems.length === 0) problem('bundle', 'nothing was verified');
    fail();
  }, function (e) {
    problem('bundle', String(e && e.message || e));
    fail();
  });
  function fail() {
    setStatus('failed', w('v.failed') + ' (' + problems.length + ')', w('v.failed_do'));
    problems.slice(0, 50).forEach(function (p) {
      var li = document.createElement('li');
      li.setAttribute('data-code', p.code);
      li.textContent = w('e.' + p.code) + w('sep') + p.detail;
      listEl.appendChild(li);
    });
  }
})();
