"""Shared-key epochs as the hub sees them: numbers on tokens, never secrets.

The hub matches within an epoch (a token's digest includes its epoch), so a council sending
tokens only under an epoch no other authority uses can match nothing. ``epoch_warnings`` tells
it so in the answer to its upload (``BatchReceipt.warnings``), instead of leaving it silently
unmatched; the connector prints the warning and exits as usual. A warning names epoch numbers
only, never a child or a match.

When every authority that sent tokens under an old epoch also sends the new one, the operator
purges the old epoch's tokens (``purge_epoch``, ``homeward hub purge-epoch``, audited); councils
then retire the old secret from their keyrings (``homeward keys retire-epoch``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, bindparam, delete, exists
from sqlmodel import Session, col, func, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import InvalidRequest
from hub.records.children import forget_digests
from hub.records.models import MatchToken

ROTATION_HELP = "see README 'Keys and rotation' (homeward keys install-epoch)"


def _others_use_query() -> Executable:
    """Built once (hub/db/__init__.py), bound ``authority`` and ``epochs``."""
    others = col(MatchToken.authority) != bindparam("authority")
    newest = select(func.max(MatchToken.epoch)).where(others).scalar_subquery()
    used = exists().where(col(MatchToken.epoch).in_(bindparam("epochs", expanding=True)), others)
    return select(newest, used)


_OTHERS_USE = _others_use_query()


def _others_use(session: Session, authority: str, epochs: list[int]) -> tuple[int | None, bool]:
    """The newest epoch other authorities send tokens under, and whether they use any of
    ``epochs``: one round trip, each answered from the (epoch, authority) index."""
    found, shared = session.execute(_OTHERS_USE, {"authority": authority, "epochs": epochs}).one()
    return found, bool(shared)


def epoch_warnings(session: Session, authority: str, epochs: Iterable[int]) -> list[str]:
    """What ``authority`` should be told about the epochs it just sent tokens under."""
    sent = sorted(set(epochs))
    if not sent:
        return []
    newest, used = _others_use(session, authority, sent)
    if newest is None:
        return []  # nobody else has sent tokens yet: nothing to compare with
    if not used:
        return [
            f"no other authority sends tokens under epoch {_listed(sent)}: these records can "
            f"match nothing. The others' newest epoch is {newest}: install it ({ROTATION_HELP})"
        ]
    if newest > sent[-1]:
        return [
            f"epoch {newest} is in use by other authorities and you send only epoch "
            f"{_listed(sent)}: install epoch {newest} before epoch {sent[-1]} is purged "
            f"({ROTATION_HELP})"
        ]
    return []


def with_epoch_warnings(
    session: Session, authority: str, batch: wire.RecordBatch, receipt: wire.BatchReceipt
) -> wire.BatchReceipt:
    """``receipt`` with the warnings about the epochs of ``batch``'s tokens."""
    keys = [*(k for c in batch.children for k in c.match_keys)]
    keys += [k for e in batch.episodes for k in e.match_keys]
    warnings = epoch_warnings(session, authority, {k.epoch for k in keys})
    return receipt.model_copy(update={"warnings": warnings}) if warnings else receipt


def _listed(epochs: list[int]) -> str:
    return ", ".join(map(str, epochs))


@dataclass(frozen=True, slots=True)
class EpochUse:
    epoch: int
    authorities: tuple[str, ...]
    tokens: int


def epoch_usage(session: Session) -> list[EpochUse]:
    """Which authorities hold tokens under which epoch (what ``hub epochs`` prints)."""
    epochs: list[int] = list(
        session.exec(select(MatchToken.epoch).distinct().order_by(col(MatchToken.epoch)))
    )
    return [_use(session, e) for e in epochs]


def _use(session: Session, epoch: int) -> EpochUse:
    holders: list[str] = list(
        session.exec(
            select(MatchToken.authority)
            .distinct()
            .where(MatchToken.epoch == epoch)
            .order_by(col(MatchToken.authority))
        )
    )
    count = session.exec(
        select(func.count()).select_from(MatchToken).where(MatchToken.epoch == epoch)
    ).one()
    return EpochUse(epoch, tuple(holders), int(count))


def purge_epoch(
    session: Session, audit: AuditLog, now: datetime, epoch: int, *, force: bool = False
) -> int:
    """Delete every token under ``epoch``; returns how many. Refused, unless ``force``, while an
    authority holds tokens under it and under no newer epoch (it has not moved yet: purging
    would stop its records matching)."""
    usage = {u.epoch: u for u in epoch_usage(session)}
    if epoch not in usage:
        raise InvalidRequest(f"no tokens under epoch {epoch}")
    moved = {a for e, u in usage.items() if e > epoch for a in u.authorities}
    behind = sorted(set(usage[epoch].authorities) - moved)
    if behind and not force:
        raise InvalidRequest(
            f"{', '.join(behind)} still send(s) epoch {epoch} only; purging now would stop "
            "their records matching (wait until they have installed the new epoch, or --force)"
        )
    session.execute(delete(MatchToken).where(col(MatchToken.epoch) == epoch))
    forget_digests(session)  # a child still sending the epoch stores its tokens again
    detail = {"epoch": epoch, "tokens": usage[epoch].tokens, "forced_past": behind}
    audit.append(session, now, actor="operator", action=AuditAction.EPOCH_PURGE, detail=detail)
    return usage[epoch].tokens
