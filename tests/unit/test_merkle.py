"""RFC 9162 §2.1 hashing and proofs: every transparency-dev vector (each ``wantErr`` case
included), the RFC's recursive definitions as a literal reference, and Hypothesis properties."""

import base64
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.audit import merkle
from tests.conftest import VECTORS

MERKLE = VECTORS / "merkle"
# testonly/constants.go: the 8-leaf reference tree and its roots by size.
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
          "5051525354555657", "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def _vectors(kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (str(p.relative_to(MERKLE)), json.loads(p.read_text()))
        for p in sorted((MERKLE / kind).rglob("*.json"))
    ]


def _b(v: str | None) -> bytes:
    return base64.b64decode(v or "")


@pytest.mark.parametrize(("name", "v"), _vectors("inclusion"))
def test_inclusion_vectors(name: str, v: dict[str, Any]) -> None:
    ok = merkle.verify_inclusion(
        v["leafIdx"], v["treeSize"], _b(v["leafHash"]), [_b(p) for p in v.get("proof") or []],
        _b(v["root"]),
    )  # fmt: skip
    assert ok is not v["wantErr"], v["desc"]


@pytest.mark.parametrize(("name", "v"), _vectors("consistency"))
def test_consistency_vectors(name: str, v: dict[str, Any]) -> None:
    ok = merkle.verify_consistency(
        v["size1"], v["size2"], _b(v["root1"]), _b(v["root2"]),
        [_b(p) for p in v.get("proof") or []],
    )  # fmt: skip
    assert ok is not v["wantErr"], v["desc"]


def test_there_are_196_vectors() -> None:
    assert len(_vectors("inclusion")) + len(_vectors("consistency")) == 196


def test_hash_known_answers() -> None:
    assert merkle.EMPTY_ROOT.hex() == ROOTS[0]
    assert merkle.leaf_hash(b"").hex().startswith("6e340b9c")
    assert merkle.leaf_hash(b"L123456").hex().startswith("395aa064")
    assert merkle.node_hash(b"N123", b"N456").hex().startswith("aa217fe8")
    assert merkle.node_hash(b"a", b"b") != merkle.leaf_hash(b"ab")
    for n in (1, 5, 8):
        assert merkle.root_of([merkle.leaf_hash(x) for x in LEAVES[:n]]).hex() == ROOTS[n]


# The RFC's recursive definitions, literally (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1).
def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return merkle.leaf_hash(d[0])
    k = merkle.split(len(d))
    return merkle.node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = merkle.split(len(d))
    return [*path(m, d[:k]), mth(d[k:])] if m < k else [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [mth(d)]
    k = merkle.split(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def stored(d: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every complete aligned subtree, as the database keeps them."""
    out, level, current = {}, 0, [merkle.leaf_hash(x) for x in d]
    while current:
        out |= {(level, i): h for i, h in enumerate(current)}
        current = [
            merkle.node_hash(a, b) for a, b in zip(current[::2], current[1::2], strict=False)
        ]
        level += 1
    return out


trees = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


@settings(max_examples=200, deadline=None)
@given(trees, st.data())
def test_stored_subtree_proofs_equal_the_rfc_and_verify(
    d: list[bytes], data: st.DataObject
) -> None:
    nodes = stored(d)
    n = len(d)
    m = data.draw(st.integers(0, n - 1))
    proof = merkle.prove(merkle.inclusion_ranges(m, n), lambda lv, i: nodes[(lv, i)])
    assert proof == path(m, d)
    assert merkle.verify_inclusion(m, n, merkle.leaf_hash(d[m]), proof, mth(d))
    assert merkle.root_of([merkle.leaf_hash(x) for x in d]) == mth(d)
    first = data.draw(st.integers(1, n))
    proof = merkle.prove(merkle.consistency_ranges(first, n), lambda lv, i: nodes[(lv, i)])
    assert proof == (subproof(first, d, True) if first < n else [])
    assert merkle.verify_consistency(first, n, mth(d[:first]), mth(d), proof)


@settings(max_examples=200, deadline=None)
@given(trees, st.data())
def test_any_flipped_bit_or_changed_length_fails(d: list[bytes], data: st.DataObject) -> None:
    n = len(d)
    m = data.draw(st.integers(0, n - 1))
    proof, root, leaf = path(m, d), mth(d), merkle.leaf_hash(d[m])
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        bad = bytearray(proof[j])
        bad[bit // 8] ^= 1 << (bit % 8)
        assert not merkle.verify_inclusion(
            m, n, leaf, [*proof[:j], bytes(bad), *proof[j + 1 :]], root
        )
        assert not merkle.verify_inclusion(m, n, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(m, n, leaf, [*proof, root], root)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=2, max_size=40), st.data())
def test_changing_an_old_entry_breaks_consistency(d: list[bytes], data: st.DataObject) -> None:
    n = len(d)
    first = data.draw(st.integers(1, n - 1))
    j = data.draw(st.integers(0, first - 1))
    rewritten = [*d[:j], d[j] + b"x", *d[j + 1 :]]
    proof = subproof(first, rewritten, True)
    assert not merkle.verify_consistency(first, n, mth(d[:first]), mth(rewritten), proof)
