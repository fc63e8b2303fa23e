"""The Merkle tree in the database: appends, roots and proofs from stored subtree hashes.

An append is queued in the session and lands when the transaction commits (``settle``, run
just before the commit): the tree head is locked then, and only until the commit, so concurrent
requests on several hub processes wait for each other only while their entries are written,
not for the whole request. One statement locks the head and moves it on by the entries queued
(so the lock is held for as few round trips as possible); then the right edge of the tree (its
compact range) is read, and each entry adds its leaf, its hash (level 0) and the at most
log2(n) complete subtrees it completes. A savepoint rolled back drops the entries queued inside
it. A root or a proof is the fold of at most O(log n) stored subtrees, read in one query.
"""

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Executable, and_, bindparam, event, insert, or_, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from hub.audit import merkle
from hub.audit.models import AuditLeaf, MerkleNode, TreeHead

Key = tuple[int, int]


class LogDamaged(RuntimeError):
    """A subtree hash a proof needs is missing or malformed: the stored tree is damaged."""


class OutOfRange(ValueError):
    """A proof or entry range beyond the tree, or an empty one."""


# Built once (hub/db/__init__.py): every audited transaction runs it.
_MOVE_HEAD = (
    update(TreeHead)
    .values(size=col(TreeHead.size) + bindparam("count"))
    .returning(col(TreeHead.size))
)


def _reserve(session: Session, count: int) -> int:
    """Lock the tree head and move it on by ``count`` leaves, in one statement; the index of
    the first of them."""
    size: int = session.execute(_MOVE_HEAD, {"count": count}).scalar_one()
    return size - count


def _edge(session: Session, size: int) -> list[tuple[int, bytes]]:
    """The right edge of a tree of ``size`` leaves (its compact range): (level, hash), left to
    right."""
    keys = merkle.pieces(0, size)
    found = subtrees(session, keys)
    return [(level, found[(level, i)]) for level, i in keys]


_PENDING = "audit_pending"


def append_leaf(session: Session, row: AuditLeaf, leaf: bytes) -> None:
    """Queue ``row`` (its ``leaf`` the exact bytes) as a next leaf: it gets its index, and
    lands in the tree, when the transaction commits."""
    opened = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((opened, row, leaf))


def settle(session: Session) -> None:
    """Add the queued entries to the tree, in order, under the locked head."""
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()  # the transaction's other writes go first, before the head is locked
    start = _reserve(session, len(pending))
    edge = _edge(session, start)
    leaves: list[dict[str, Any]] = []
    nodes: list[dict[str, Any]] = []
    for offset, (_, row, leaf) in enumerate(pending):
        nodes += _add_leaf(edge, start + offset, row, leaf)
        leaves.append(row.model_dump())
    # Rows, not ORM objects: one multi-row INSERT a table, while the head is locked.
    session.execute(insert(AuditLeaf), leaves)
    session.execute(insert(MerkleNode), nodes)


@event.listens_for(OrmSession, "before_commit")
def _settle_before_commit(session: OrmSession) -> None:
    if session.info.get(_PENDING):
        settle(cast(Session, session))  # the hub's sessions are SQLModel's


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_rolled_back(session: OrmSession, previous: SessionTransaction) -> None:
    """Entries queued in a rolled-back (sub)transaction never happened."""
    pending: list[tuple[Any, AuditLeaf, bytes]] = session.info.get(_PENDING, [])
    session.info[_PENDING] = [p for p in pending if p[0].is_active]


def _add_leaf(
    edge: list[tuple[int, bytes]], index: int, row: AuditLeaf, leaf: bytes
) -> list[dict[str, Any]]:
    """Leaf ``index``: its index set in ``row``, the nodes to store (its hash and the subtrees
    it completes); ``edge`` moves on."""
    row.idx = index
    acc, level, i = merkle.leaf_hash(leaf), 0, index
    nodes = [{"level": 0, "idx": index, "hash": acc.hex()}]
    while i & 1:
        _, left = edge.pop()
        acc, level, i = merkle.node_hash(left, acc), level + 1, i >> 1
        nodes.append({"level": level, "idx": i, "hash": acc.hex()})
    edge.append((level, acc))
    return nodes


def size(session: Session) -> int:
    """The tree's size as committed (not locked)."""
    return session.exec(select(TreeHead.size)).one()


@cache
def _subtrees_query(count: int) -> Executable:
    """The subtrees at ``count`` (level, index) keys, bound as ``l0, i0, l1, ...``: built once
    per count. One equality pair per key, OR-ed: SQLite answers each from the primary key (a
    row-value IN list would scan the whole table there); PostgreSQL makes it a bitmap OR.
    Plain rows, not ORM objects (every audited transaction reads the tree's right edge)."""
    level, idx = col(MerkleNode.level), col(MerkleNode.idx)
    pairs = [and_(level == bindparam(f"l{n}"), idx == bindparam(f"i{n}")) for n in range(count)]
    return select(level, idx, col(MerkleNode.hash)).where(or_(*pairs))


def subtrees(session: Session, keys: Iterable[Key]) -> dict[Key, bytes]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    params: dict[str, int] = {}
    for n, (level, i) in enumerate(wanted):
        params[f"l{n}"], params[f"i{n}"] = level, i
    rows = session.execute(_subtrees_query(len(wanted)), params)
    found: dict[Key, bytes] = {}
    for level, i, text in rows:
        try:
            value = bytes.fromhex(text)
        except ValueError:
            continue
        if len(value) == merkle.HASH_SIZE:
            found[(level, i)] = value
    missing = [k for k in wanted if k not in found]
    if missing:
        raise LogDamaged(f"the stored tree lacks subtree {missing[0]}")
    return found


def _check_size(session: Session, n: int) -> None:
    if not 0 <= n <= size(session):
        raise OutOfRange(f"the tree has no size {n}")


def root(session: Session, n: int) -> bytes:
    """The root of the first ``n`` leaves."""
    _check_size(session, n)
    return _prove(session, [(0, n)])[0] if n else merkle.EMPTY_ROOT


def _prove(session: Session, ranges: Sequence[merkle.Range]) -> list[bytes]:
    found = subtrees(session, [p for a, b in ranges for p in merkle.pieces(a, b)])
    return merkle.prove(ranges, lambda level, i: found[(level, i)])


def inclusion_proof(session: Session, index: int, n: int) -> list[bytes]:
    _check_size(session, n)
    if not 0 <= index < n:
        raise OutOfRange(f"entry {index} is not in a tree of size {n}")
    return _prove(session, merkle.inclusion_ranges(index, n))


def consistency_proof(session: Session, first: int, second: int) -> list[bytes]:
    _check_size(session, second)
    if not 0 < first <= second:
        raise OutOfRange(f"no consistency proof from size {first} to size {second}")
    return _prove(session, merkle.consistency_ranges(first, second))


def leaves(session: Session, start: int, end: int) -> list[AuditLeaf]:
    """Entries ``start`` to ``end - 1``, in order."""
    query = select(AuditLeaf).where(col(AuditLeaf.idx) >= start, col(AuditLeaf.idx) < end)
    return list(session.exec(query.order_by(col(AuditLeaf.idx))))
