#!/usr/bin/env python3
"""Independent re-encoder for tx_vectors.json (no SDK, no node).

For every vector it parses only `sendtx_body` (the exact text the SDK POSTs to
/sendTx), builds the Base/Publish/Full encodings from the layout written in
README.md section 1 (the go-iost node's view: gas x100 truncated from the
double, int64 parsed from the JSON digits, empty reserved/referred_tx), and
compares bytes and hashes with what the SDK produced. It proves the README's
layout is complete and that a node reading the SDK's JSON reproduces the
SDK's hashes. Exit status 1 on any mismatch.

    python3 tests/vectors/check_layout.py
"""
import base64
import hashlib
import json
import os
import struct
import sys

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = ALPHABET[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def i64(v: int) -> bytes:
    return struct.pack(">q", v)


def i32(v: int) -> bytes:
    return struct.pack(">i", v)


def bts(b: bytes) -> bytes:
    return i32(len(b)) + b


def st(s: str) -> bytes:
    return bts(s.encode("utf-8"))


def blist(items) -> bytes:
    return i32(len(items)) + b"".join(bts(x) for x in items)


ALGO = {"SECP256K1": 1, "ED25519": 2}


def sig_bytes(s) -> bytes:
    return (bytes([ALGO[s["algorithm"]]]) + bts(base64.b64decode(s["signature"]))
            + bts(base64.b64decode(s["public_key"])))


def first(d, *names):
    for n in names:
        if n in d:
            return d[n]
    raise KeyError(names[0])


def encode(tx):
    gas_ratio = int(float(first(tx, "gasRatio", "gas_ratio")) * 100)  # truncation, like int64(x*100) in Go
    gas_limit = int(float(first(tx, "gasLimit", "gas_limit")) * 100)
    base = (i64(int(tx["time"])) + i64(int(tx["expiration"])) + i64(gas_ratio) + i64(gas_limit)
            + i64(int(tx["delay"])) + i32(int(tx["chain_id"])) + bts(b"")
            + i32(len(tx["signers"])) + b"".join(st(s) for s in tx["signers"])
            + blist([st(a["contract"]) + st(first(a, "actionName", "action_name")) + st(a["data"])
                     for a in tx["actions"]])
            + blist([st(a["token"]) + st(a["value"]) for a in tx["amount_limit"]]))
    publish = base + blist([sig_bytes(s) for s in tx["signatures"]])
    full = (publish + bts(b"") + st(tx["publisher"])
            + blist([sig_bytes(s) for s in tx["publisher_sigs"]]))
    return base, publish, full


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "tx_vectors.json"), encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    bad = 0
    for v in vectors:
        # Python's json keeps big integers exact, as a node must.
        tx = json.loads(v["sendtx_body"])
        base, publish, full = encode(tx)
        got = {
            "base_bytes_hex": base.hex(), "publish_bytes_hex": publish.hex(), "full_bytes_hex": full.hex(),
            "base_hash": hashlib.sha3_256(base).hexdigest(),
            "publish_hash": hashlib.sha3_256(publish).hexdigest(),
            "hash": b58(hashlib.sha3_256(full).digest()),
        }
        want = {
            "base_bytes_hex": v["base_bytes_hex"], "publish_bytes_hex": v["publish_bytes_hex"],
            "full_bytes_hex": v["full_bytes_hex"], "base_hash": v["base_hash"]["hex"],
            "publish_hash": v["publish_hash"]["hex"], "hash": v["hash"],
        }
        diffs = [k for k in want if got[k] != want[k]]
        if diffs:
            bad += 1
            print("MISMATCH %s: %s" % (v["name"], ", ".join(diffs)))
        else:
            print("ok %s" % v["name"])
    print("%d/%d vectors reproduced independently" % (len(vectors) - bad, len(vectors)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
