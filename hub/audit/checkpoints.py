"""Signed checkpoints (c2sp.org/tlog-checkpoint as a c2sp.org/signed-note), and their history.

A checkpoint is ``<origin>\\n<size>\\n<base64 root>\\n`` signed by the hub's Ed25519 checkpoint
key (``keys/notes.py``). The hub issues one on demand and, when the tree has grown, whenever
the latest is older than the interval and someone asks for it; every checkpoint is kept.
Before signing, the hub checks the new tree against its latest checkpoint (never smaller, the
old root still the root of the same prefix): it never signs a fork of its own history.
"""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from hub.audit import tree
from hub.audit.models import AuditCheckpoint, TreeHead
from keys.notes import NoteSigner, NoteVerifier, open_note


class ForkRefused(RuntimeError):
    """The stored tree does not extend the latest checkpoint: signing it would fork the log."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


@dataclass(frozen=True)
class CheckpointIssuer:
    signer: NoteSigner
    origin: str
    interval: timedelta

    @property
    def verifier(self) -> NoteVerifier:
        return self.signer.verifier


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint body of a verified note's text; ValueError if it is not one."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise ValueError("not a checkpoint")
    size_text, root_text = lines[1], lines[2]
    if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
        raise ValueError("the checkpoint size is not a decimal number")
    root = base64.b64decode(root_text, validate=True)
    if len(root) != 32:
        raise ValueError("the checkpoint root is not a SHA-256 hash")
    return Checkpoint(lines[0], int(size_text), root)


def verify_checkpoint(
    note: str, verifiers: list[NoteVerifier], origin: str | None = None
) -> Checkpoint:
    """The checkpoint of a note signed by one of ``verifiers`` (NoteError / ValueError if not)."""
    text, _ = open_note(note, verifiers)
    checkpoint = parse_checkpoint(text)
    if origin is not None and checkpoint.origin != origin:
        raise ValueError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return checkpoint


def latest(session: Session) -> AuditCheckpoint | None:
    query = select(AuditCheckpoint).order_by(col(AuditCheckpoint.size).desc()).limit(1)
    return session.exec(query).first()


def history(session: Session, *, after: int = -1, limit: int = 100) -> list[AuditCheckpoint]:
    query = select(AuditCheckpoint).where(col(AuditCheckpoint.size) > after)
    return list(session.exec(query.order_by(col(AuditCheckpoint.size)).limit(limit)))


def issue(session: Session, issuer: CheckpointIssuer, now: datetime) -> AuditCheckpoint:
    """Sign the tree as it stands (appends wait meanwhile); the latest if nothing changed."""
    tree.settle(session)  # this transaction's own entries first
    size = session.exec(select(TreeHead).with_for_update()).one().size
    root = tree.root(session, size)
    last = latest(session)
    if last is not None:
        _refuse_fork(session, last, size, root)
        if last.size == size:
            return last
    checkpoint = Checkpoint(issuer.origin, size, root)
    row = AuditCheckpoint(
        size=size, root=root.hex(), issued_at=now, note=issuer.signer.sign(checkpoint.body())
    )
    session.add(row)
    session.flush()
    return row


def _refuse_fork(session: Session, last: AuditCheckpoint, size: int, root: bytes) -> None:
    if size < last.size:
        raise ForkRefused(f"the log has {size} entries but checkpoint {last.size} was signed")
    if tree.root(session, last.size).hex() != last.root:
        raise ForkRefused(f"the log's first {last.size} entries no longer match their checkpoint")


def current(session: Session, issuer: CheckpointIssuer, now: datetime) -> AuditCheckpoint:
    """The latest checkpoint, a new one first if the tree grew and the interval has passed."""
    last = latest(session)
    if last is None or (
        tree.size(session) != last.size and now - _aware(last.issued_at) >= issuer.interval
    ):
        return issue(session, issuer, now)
    return last


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
