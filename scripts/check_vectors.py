#!/usr/bin/env python3
"""Independent check of fixtures/vectors/suyuan/vectors.json, written from the specs alone
(RFC 6962 / RFC 9162 hashing and proofs, C2SP signed-note), with Python's hashlib and the
`cryptography` package's Ed25519. It shares no code with the Rust implementation."""
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

v = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "fixtures/vectors/suyuan/vectors.json"))
H = lambda b: hashlib.sha256(b).digest()
leaf = lambda e: H(b"\x00" + e)
node = lambda l, r: H(b"\x01" + l + r)

def mth(ls):
    if not ls: return H(b"")
    if len(ls) == 1: return ls[0]
    k = 1
    while k * 2 < len(ls): k *= 2
    return node(mth(ls[:k]), mth(ls[k:]))

def verify_inclusion(h, index, size, proof, root):  # RFC 9162 2.1.3.2
    if index >= size: return False
    fn, sn, r = index, size - 1, h
    for p in proof:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root

def verify_consistency(first, second, r1, r2, proof):  # RFC 9162 2.1.4.2
    if first == second: return not proof and r1 == r2
    if not proof: return False
    if first & (first - 1) == 0: proof = [r1] + proof
    fn, sn = first - 1, second - 1
    while fn & 1: fn >>= 1; sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return fr == r1 and sr == r2 and sn == 0

leaves = [leaf(e["entry"].encode()) for e in v["entries"]]
assert [l.hex() for l in leaves] == [e["leaf_hash"] for e in v["entries"]], "leaf hashes"
for r in v["tree"]["roots"]:
    assert mth(leaves[: r["size"]]).hex() == r["root"], f"root of size {r['size']}"
for p in v["inclusion_proofs"]:
    root = mth(leaves[: p["size"]])
    assert verify_inclusion(leaves[p["index"]], p["index"], p["size"], [bytes.fromhex(x) for x in p["proof"]], root), p
for p in v["consistency_proofs"]:
    assert verify_consistency(p["first"], p["second"], mth(leaves[: p["first"]]), mth(leaves[: p["second"]]),
                              [bytes.fromhex(x) for x in p["proof"]]), p
for e in v["entries"]:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(e["signer_public_key"].split(":", 1)[1]))
    msg = v["event_context"].encode() + e["canonical_event"].encode()
    key.verify(base64.b64decode(e["signature"]), msg)
    assert e["canonical_event"] in e["entry"]
# C2SP signed note: key id = SHA-256(name || "\n" || 0x01 || key)[:4]; signature over the text.
name, keyid_hex, keydata = v["log_key"]["verifier_key"].split("+")
raw = base64.b64decode(keydata)
assert raw[0] == 1 and hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == keyid_hex
text, sigs = v["checkpoint"].split("\n\n", 1)
text += "\n"
origin, size, root_b64 = text.splitlines()[:3]
assert origin == name and base64.b64decode(root_b64) == mth(leaves[: int(size)])
line = sigs.splitlines()[0]
assert line.startswith("\u2014 " + name + " ")
sig = base64.b64decode(line.rsplit(" ", 1)[1])
assert sig[:4].hex() == keyid_hex
Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], text.encode())
# Receipts (FORMAT.md §6): the entry, its inclusion proof, the checkpoint checked above.
for i, e in enumerate(v["entries"]):
    r = e["receipt"]
    assert r["checkpoint"] == v["checkpoint"] and r["entry"] == e["entry"] and r["seq"] == i, r
    assert r["leaf_hash"] == leaf(r["entry"].encode()).hex() == e["leaf_hash"]
    assert r["entry_hash"] == e["entry_hash"] and r["event_id"] == e["event_id"]
    assert verify_inclusion(leaf(r["entry"].encode()), i, int(size), [bytes.fromhex(x) for x in r["proof"]],
                            base64.b64decode(root_b64)), r
print(f"vectors OK: {len(leaves)} entries, {len(v['inclusion_proofs'])} inclusion and "
      f"{len(v['consistency_proofs'])} consistency proofs, checkpoint signature, receipts")
