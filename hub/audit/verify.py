"""Verification of the log stored in a database: recompute every leaf hash and every root.

Checks, naming the first entry (0-based index) that does not fit: indexes run 0, 1, 2, ...
without gaps; each leaf is a canonical entry whose indexed copies (time, actor, action, subject)
agree with it; each leaf hash equals its stored level-0 node; the tree head counts the leaves;
the root the stored subtrees give equals the recomputed root; and every checkpoint the hub
signed (each verified against the hub's key when one is given) is the root of that prefix.
Truncating the log below a checkpoint, rewriting it consistently or deleting everything is
therefore detected while the checkpoint history survives; an auditor's saved checkpoint
(``hub/audit/auditor.py``) detects it even if the history was rewritten too.

Verification never raises on a damaged log: missing tables, malformed rows and unreadable
values are each reported as the problem. Rows are read as raw values.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session

from hub.audit import merkle
from hub.audit.checkpoints import verify_checkpoint
from hub.audit.entry import NotAnEntry, parse_leaf
from hub.audit.legacy import timestamp
from keys.notes import NoteError, NoteVerifier

TABLES = ("auditleaf", "merklenode", "treehead", "auditcheckpoint")
_LEAVES = text("SELECT idx, at, actor, action, subject, leaf FROM auditleaf ORDER BY idx")
_LEVEL0 = text("SELECT idx, hash FROM merklenode WHERE level = 0 ORDER BY idx")
_HEADS = text("SELECT size FROM treehead")
_NODE = text("SELECT hash FROM merklenode WHERE level = :level AND idx = :idx")
_CHECKPOINTS = text("SELECT size, root, note FROM auditcheckpoint ORDER BY size")


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    root: str
    problem: str | None = None
    at_index: int | None = None
    checkpoints: int = 0


class Misfit(Exception):
    def __init__(self, problem: str, at_index: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.at_index = problem, at_index


def leaf_problem(raw: Sequence[Any], expected: int) -> str | None:
    """Why a stored leaf row does not fit at ``expected``, or None."""
    idx, at, actor, action, subject, leaf = raw
    if idx != expected:
        return f"entry {expected} is missing" if isinstance(idx, int) else "malformed index"
    if not isinstance(leaf, str):
        return "the leaf is not text"
    try:
        entry = parse_leaf(leaf.encode("utf-8"))
    except NotAnEntry as exc:
        return str(exc)
    stored = (_instant(at), actor, action, subject)
    if stored != (timestamp(entry.at), entry.actor, entry.action, entry.subject):
        return "the indexed columns disagree with the entry"
    return None


def _instant(raw: object) -> str | None:
    try:
        value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return timestamp(value)


def _leaf_hashes(connection: Connection) -> Iterator[bytes]:
    level0 = iter(connection.execute(_LEVEL0))
    for expected, raw in enumerate(connection.execute(_LEAVES)):
        problem = leaf_problem(tuple(raw), expected)
        if problem is not None:
            raise Misfit(problem, expected)
        digest = merkle.leaf_hash(str(raw[5]).encode("utf-8"))
        stored = next(level0, None)
        if stored is None or tuple(stored) != (expected, digest.hex()):
            raise Misfit("the stored leaf hash does not match the entry", expected)
        yield digest


def _checkpoints(
    connection: Connection, verifiers: list[NoteVerifier] | None
) -> list[tuple[int, str]]:
    out = []
    for size, root, note in connection.execute(_CHECKPOINTS):
        if verifiers is not None:
            try:
                signed = verify_checkpoint(str(note), verifiers)
            except (NoteError, ValueError) as exc:
                raise Misfit(f"checkpoint {size} does not verify: {exc}") from exc
            if (signed.size, signed.root.hex()) != (size, root):
                raise Misfit(f"checkpoint {size} is not the note the hub signed")
        out.append((int(size), str(root)))
    return out


def verify_connection(
    connection: Connection, verifiers: list[NoteVerifier] | None = None
) -> Verification:
    missing = [t for t in TABLES if not inspect(connection).has_table(t)]
    if missing:
        raise Misfit(f"the database has no {missing[0]} table: not a hub log")
    pending = _checkpoints(connection, verifiers)
    stack: list[tuple[int, bytes]] = []
    count = 0
    for digest in _leaf_hashes(connection):
        stack = _push(stack, digest)
        count += 1
        while pending and pending[0][0] == count:
            if merkle.fold([h for _, h in stack]).hex() != pending.pop(0)[1]:
                raise Misfit(f"the first {count} entries do not match checkpoint {count}")
    root = merkle.fold([h for _, h in stack]) if stack else merkle.EMPTY_ROOT
    if pending:
        raise Misfit(
            f"the log has {count} entries but checkpoint {pending[-1][0]} was signed", count
        )
    if count and _stored_root(connection, count) != root:
        raise Misfit("the stored subtree hashes do not give the entries' root", count)
    heads = connection.execute(_HEADS).all()
    if len(heads) != 1 or heads[0][0] != count:
        raise Misfit(f"the tree head does not record the {count} entries stored", count)
    return Verification(True, count, root.hex(), checkpoints=len(_checkpoints(connection, None)))


def _stored_root(connection: Connection, count: int) -> bytes | None:
    """The root the stored subtrees give (what proofs are made from)."""
    found: dict[tuple[int, int], str] = {}
    for level, i in merkle.pieces(0, count):
        row = connection.execute(_NODE, {"level": level, "idx": i}).first()
        if row is None:
            return None
        found[(level, i)] = str(row[0])
    try:
        return merkle.fold([bytes.fromhex(found[k]) for k in merkle.pieces(0, count)])
    except ValueError:
        return None


def _push(stack: list[tuple[int, bytes]], digest: bytes) -> list[tuple[int, bytes]]:
    size, acc = 1, digest
    while stack and stack[-1][0] == size:
        acc = merkle.node_hash(stack.pop()[1], acc)
        size *= 2
    stack.append((size, acc))
    return stack


def verify(session: Session, verifiers: list[NoteVerifier] | None = None) -> Verification:
    """Verify the log stored in this database; a damaged or missing log is a failed result."""
    try:
        return verify_connection(session.connection(), verifiers)
    except Misfit as exc:
        return Verification(False, 0, "", exc.problem, exc.at_index)
    except (DBAPIError, SQLAlchemyError) as exc:
        reason = str(exc).strip().splitlines()[0]
        return Verification(False, 0, "", f"the audit log could not be read: {reason}")
