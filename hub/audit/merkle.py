"""RFC 9162 §2.1 Merkle tree hashing, proof plans and proof verification (pure).

Hashing: ``leaf = SHA-256(0x00 || entry)``, ``node = SHA-256(0x01 || left || right)``, the empty
tree's root is SHA-256 of nothing. A proof is planned as the list of leaf ranges ``[a, b)`` whose
tree hashes it holds (``inclusion_ranges``, ``consistency_ranges``, following PATH and SUBPROOF);
each range is either one complete aligned subtree or a right edge made of at most log2(n)
complete ones (``pieces``), so a store of complete subtrees answers any proof in O(log n) reads.

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 with the edge cases transparency-dev/merkle
pins with its vectors: ``first == 0`` is refused (even when both sizes are 0), equal sizes need
an empty proof and equal roots (whatever their length), an index at or beyond the size is
refused, every hash in a proof and every root otherwise must be 32 bytes. Hashes are public:
plain comparison is enough.
"""

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
Range = tuple[int, int]


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two strictly less than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """The tree hash of these leaf hashes, by folding a compact range (O(n), O(log n) memory)."""
    stack: list[tuple[int, bytes]] = []  # (size, hash) of complete subtrees, left to right
    for h in leaves:
        size, acc = 1, h
        while stack and stack[-1][0] == size:
            acc = node_hash(stack.pop()[1], acc)
            size *= 2
        stack.append((size, acc))
    return fold([h for _, h in stack]) if stack else EMPTY_ROOT


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a right edge from its complete subtrees, left to right (folded right first)."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def pieces(a: int, b: int) -> list[tuple[int, int]]:
    """``[a, b)`` as complete aligned subtrees ``(level, index)``, left to right. Valid for the
    ranges a proof plan asks for: ``a`` is aligned to the largest piece."""
    out, start, left = [], a, b - a
    while left:
        level = left.bit_length() - 1
        out.append((level, start >> level))
        start, left = start + (1 << level), left - (1 << level)
    return out


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[0:size]) as ranges, leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is not in a tree of size {size}")
    return _path(index, 0, size)


def _path(m: int, a: int, b: int) -> list[Range]:
    if b - a == 1:
        return []
    k = split(b - a)
    if m < k:
        return [*_path(m, a, a + k), (a + k, b)]
    return [*_path(m - k, a + k, b), (a, a + k)]


def consistency_ranges(first: int, second: int) -> list[Range]:
    """PROOF(first, D[0:second]) as ranges (empty when the sizes are equal)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    return _subproof(first, 0, second, True)


def _subproof(m: int, a: int, b: int, complete: bool) -> list[Range]:
    if m == b - a:
        return [] if complete else [(a, b)]
    k = split(b - a)
    if m <= k:
        return [*_subproof(m, a, a + k, complete), (a + k, b)]
    return [*_subproof(m - k, a + k, b, False), (a, a + k)]


def prove(ranges: Sequence[Range], subtree: Callable[[int, int], bytes]) -> list[bytes]:
    """The proof's hashes, given the hash of any complete subtree ``(level, index)``."""
    return [fold([subtree(level, i) for level, i in pieces(a, b)]) for a, b in ranges]


def _well_formed(*hashes: bytes) -> bool:
    return all(len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    if not 0 <= index < size or not _well_formed(leaf, root, *proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    if first <= 0 or first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof or not _well_formed(first_root, second_root, *proof):
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root
