// The public-key rule of docs/FORMAT.md §1, for the page's verifier: a key is accepted
// only if its encoding is canonical (y < p, and no sign bit when x = 0) and its point
// lies in the prime-order subgroup ([L]A is the identity, which also rules out the
// small-order points). WebCrypto's Ed25519 checks none of this (with the identity as key,
// R = identity and S = 0 verify for any message), so it is done here in BigInt arithmetic
// on the curve. Returns null for an accepted key, or the class of refusal, as in
// fixtures/vectors/keys/keys.json.
var suyuanKeyRule = (function () {
  'use strict';
  var P = (1n << 255n) - 19n;
  var L = (1n << 252n) + 27742317777372353535851937790883648493n;
  function md(a) { a %= P; return a < 0n ? a + P : a; }
  function pow(b, e) {
    var r = 1n;
    b = md(b);
    while (e > 0n) { if (e & 1n) r = r * b % P; b = b * b % P; e >>= 1n; }
    return r;
  }
  var D = md(-121665n * pow(121666n, P - 2n));
  var D2 = md(2n * D);
  var SQRT_M1 = pow(2n, (P - 1n) / 4n);

  // Extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z; the unified addition
  // of Hisil, Wong, Carter and Dawson for a = −1, complete on this curve.
  function add(p, q) {
    var a = md((p[1] - p[0]) * (q[1] - q[0])), b = md((p[1] + p[0]) * (q[1] + q[0]));
    var c = md(p[3] * D2 * q[3]), d = md(2n * p[2] * q[2]);
    var e = b - a, f = d - c, g = d + c, h = b + a;
    return [md(e * f), md(g * h), md(f * g), md(e * h)];
  }
  function mul(p, n) {
    var r = [0n, 1n, 1n, 0n];
    for (var i = BigInt(n.toString(2).length) - 1n; i >= 0n; i--) {
      r = add(r, r);
      if ((n >> i) & 1n) r = add(r, p);
    }
    return r;
  }
  function isIdentity(p) { return p[0] === 0n && p[1] === p[2]; }

  // A page checks the same few keys for every entry they sign; the subgroup check is a
  // scalar multiplication, so each key's verdict is kept.
  var verdicts = new Map();
  return function keyRule(bytes) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) return 'not_a_point';
    var id = Array.prototype.join.call(bytes, ',');
    if (!verdicts.has(id)) verdicts.set(id, classify(bytes));
    return verdicts.get(id);
  };

  function classify(bytes) {
    var y = 0n;
    for (var i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
    var sign = bytes[31] >> 7;
    if (y >= P) {
      // Classify as the Rust side does: a non-canonical y that decodes, or no point.
      return decode(y - P, sign) !== null ? 'non_canonical' : 'not_a_point';
    }
    var x = decode(y, sign);
    if (x === null) return 'not_a_point';
    if (x === 0n && sign === 1) return 'non_canonical';
    var pt = [x, y, 1n, md(x * y)];
    if (isIdentity(mul(pt, 8n))) return 'small_order';
    if (!isIdentity(mul(pt, L))) return 'mixed_order';
    return null;
  }

  // x for y (the sign bit chooses between x and −x), or null when y is on no point.
  function decode(y, sign) {
    var u = md(y * y - 1n), v = md(D * y * y + 1n);
    var x = md(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
    var vx2 = md(v * x * x);
    if (vx2 !== u) {
      if (vx2 !== md(-u)) return null;
      x = md(x * SQRT_M1);
    }
    if (Number(x & 1n) !== sign) x = md(-x);
    return x;
  }
})();
