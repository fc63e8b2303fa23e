"""An auditor's verification of a hub's log, trusting only its own arithmetic and what it kept.

Given a source of the hub's checkpoint, entries and consistency proofs (the API through
``HubClient``, or an export), the hub's verifier key and the checkpoint the auditor saved last
time: the new checkpoint must carry the hub's signature, extend the saved one (a consistency
proof: a smaller tree, a different root at the same size or a failed proof is a fork, i.e.
truncation or rewritten history), and be the root of the entries served. On a mismatch the
first bad index is found by bisection with consistency proofs from prefixes of the served
entries. The checkpoint returned is what the auditor keeps for next time (it acts as a witness).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from hub.audit import merkle
from hub.audit.checkpoints import Checkpoint, verify_checkpoint
from hub.audit.entry import NotAnEntry, parse_leaf
from hub.audit.verify import Verification
from keys.notes import NoteError, NoteVerifier


class LogSource(Protocol):
    def checkpoint(self) -> str: ...

    def leaves(self, size: int) -> list[bytes]: ...

    def consistency(self, first: int, second: int) -> list[bytes]: ...


@dataclass(frozen=True)
class AuditResult:
    verification: Verification
    checkpoint: str | None  # the note to keep: set only when everything verified


def _fail(problem: str, at: int | None = None, entries: int = 0) -> AuditResult:
    return AuditResult(Verification(False, entries, "", problem, at), None)


def audit(
    source: LogSource, verifiers: list[NoteVerifier], saved: str | None = None
) -> AuditResult:
    note = source.checkpoint()
    try:
        new = verify_checkpoint(note, verifiers)
        old = None if saved is None else verify_checkpoint(saved, verifiers)
    except (NoteError, ValueError) as exc:
        return _fail(f"the checkpoint does not verify with the hub's key: {exc}")
    if old is not None:
        forked = _fork(source, old, new)
        if forked is not None:
            return _fail(forked, min(old.size, new.size))
    leaves = source.leaves(new.size)
    for i, leaf in enumerate(leaves):
        try:
            parse_leaf(leaf)
        except NotAnEntry as exc:
            return _fail(f"entry {i} is not an audit entry: {exc}", i, i)
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    if len(leaves) == new.size and merkle.root_of(hashes) == new.root:
        return AuditResult(Verification(True, new.size, new.root.hex()), note)
    bad = first_bad(source, hashes, new)
    if bad == len(leaves) < new.size:
        return _fail(f"the source holds {len(leaves)} of {new.size} entries", bad, bad)
    return _fail("the entries served do not match the signed checkpoint", bad, bad)


def witness_check(
    source: LogSource, verifiers: list[NoteVerifier], saved: str | None = None
) -> AuditResult:
    """What a witness checks before cosigning: the hub's signature and consistency with the
    checkpoint it kept (a consistency proof, not the entries)."""
    note = source.checkpoint()
    try:
        new = verify_checkpoint(note, verifiers)
        old = None if saved is None else verify_checkpoint(saved, verifiers)
    except (NoteError, ValueError) as exc:
        return _fail(f"the checkpoint does not verify with the hub's key: {exc}")
    forked = None if old is None else _fork(source, old, new)
    if forked is not None and old is not None:
        return _fail(forked, min(old.size, new.size))
    return AuditResult(Verification(True, new.size, new.root.hex()), note)


def _fork(source: LogSource, old: Checkpoint, new: Checkpoint) -> str | None:
    if new.origin != old.origin:
        return f"the checkpoint is for {new.origin!r}, the one kept for {old.origin!r}"
    if new.size < old.size:
        return (
            f"the hub's checkpoint has {new.size} entries, fewer than the {old.size} "
            "of the checkpoint kept: the log was truncated or rolled back"
        )
    if new.size == old.size or old.size == 0:
        same = new.root == old.root or old.size == 0
        return None if same else "the checkpoint forks from the one kept (same size, other root)"
    try:
        proof = source.consistency(old.size, new.size)
    except Exception as exc:
        return f"the hub gave no consistency proof from the checkpoint kept: {exc}"
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
        return "the checkpoint forks from the one kept: history was rewritten"
    return None


def _prefix_ok(source: LogSource, hashes: Sequence[bytes], k: int, new: Checkpoint) -> bool:
    if k == 0:
        return True
    try:
        proof = source.consistency(k, new.size)
    except Exception:
        return False
    return merkle.verify_consistency(k, new.size, merkle.root_of(hashes[:k]), new.root, proof)


def first_bad(source: LogSource, hashes: Sequence[bytes], new: Checkpoint) -> int:
    """The first index whose entry does not fit the checkpoint (bisection over prefixes)."""
    lo, hi = 0, len(hashes)  # prefix lo is consistent; prefix hi is not
    if _prefix_ok(source, hashes, hi, new):
        return hi  # every entry there fits: the first missing one is bad
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _prefix_ok(source, hashes, mid, new) else (lo, mid)
    return lo
