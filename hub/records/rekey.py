"""Rotating the hub key: a new version, and every stored digest moved to it.

The hub key re-keys every token before it is stored (keys/hub.py). Its versions chain, so a
stored digest moves to a newer version without the token it came from; ``rekey_stored`` does
that for the whole ``matchtoken`` table in one transaction, recomputes each episode's
``keys_digest`` (it is over hub-keyed digests) and records the new version in ``hubinstance``.

Matching keeps working throughout because every digest is always under one version, the one
``hubinstance.hub_key_version`` names: ingest reads it (``storing_version``) and stores under
it, and the re-key changes it, each holding the hub-key lock first (ingest shared, the re-key
exclusive), so an ingest runs wholly before or wholly after a re-key, never across it. A hub
restarted with the new key file keeps storing under the database's version until the re-key
has run.

On PostgreSQL the lock is a transaction-level advisory lock, taken in its own statement so the
read after it sees a re-key that committed while it waited. (A shared row lock on
``hubinstance`` did the same, but every concurrent request then rewrote that one row's lock
word, a multixact: it serialised requests on several hub processes.) SQLite transactions are
already serial.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import ConfigurationError
from hub.identity.models import HubInstance
from hub.records.models import Episode, MatchToken
from hub.records.service import EPISODE, keys_digest
from hub.services import HubServices
from keys import HubKeyring

BATCH = 5000
HUB_KEY_LOCK = int.from_bytes(b"hub-key!", "big")  # the advisory lock's key: any fixed number


def _hold_hub_key(session: Session, *, exclusive: bool) -> None:
    """Wait for a re-key (or, ``exclusive``, for every ingest), then hold the hub-key lock
    until this transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(_TAKE_EXCLUSIVE if exclusive else _TAKE_SHARED)


# Built once (hub/db/__init__.py).
_TAKE_EXCLUSIVE = select(func.pg_advisory_xact_lock(HUB_KEY_LOCK))
_TAKE_SHARED = select(func.pg_advisory_xact_lock_shared(HUB_KEY_LOCK))
_INSTANCE = select(HubInstance).where(HubInstance.id == 1)
_INSTANCE_LOCKED = _INSTANCE.with_for_update()


def _instance(session: Session, *, for_update: bool) -> HubInstance:
    _hold_hub_key(session, exclusive=for_update)
    found = session.exec(_INSTANCE_LOCKED if for_update else _INSTANCE).first()
    if found is None:
        raise ConfigurationError("the hub has no id: run `homeward hub migrate`")
    return found


def storing_version(session: Session, hub_keys: HubKeyring) -> HubKeyring:
    """The keyring storing under the database's hub-key version (locked for this request)."""
    version = _instance(session, for_update=False).hub_key_version
    if version not in hub_keys.versions:
        raise ConfigurationError(
            f"the database is at hub key version {version}, which the hub key file does not "
            "hold: start the hub with the key file the re-key used"
        )
    return hub_keys.at(version)


def services_for(session: Session, services: HubServices) -> HubServices:
    """``services`` with the hub keyring at the database's version: what ingest uses."""
    return replace(services, hub_keys=storing_version(session, services.hub_keys))


@dataclass(frozen=True, slots=True)
class Rekeyed:
    before: int
    after: int
    tokens: int
    episodes: int


def rekey_stored(session: Session, hub_keys: HubKeyring, audit: AuditLog, now: datetime) -> Rekeyed:
    """Move every stored digest to the newest version in ``hub_keys``; audited."""
    instance = _instance(session, for_update=True)
    before, after = instance.hub_key_version, hub_keys.newest
    if after < before:
        raise ConfigurationError(f"the database is at version {before}; this key file at {after}")
    tokens = _move_tokens(session, hub_keys, after) if after > before else 0
    episodes = _episode_digests(session) if tokens else 0
    instance.hub_key_version = after
    session.add(instance)
    detail = {"from_version": before, "to_version": after, "tokens": tokens, "episodes": episodes}
    audit.append(session, now, actor="operator", action=AuditAction.HUB_KEY_REKEY, detail=detail)
    return Rekeyed(before, after, tokens, episodes)


def _move_tokens(session: Session, hub_keys: HubKeyring, to_version: int) -> int:
    moved, last = 0, 0
    while True:
        rows = session.exec(
            select(MatchToken.id, MatchToken.digest, MatchToken.hub_key_version)
            .where(col(MatchToken.id) > last, MatchToken.hub_key_version < to_version)
            .order_by(col(MatchToken.id))
            .limit(BATCH)
        ).all()
        if not rows:
            return moved
        changes = [
            {"id": i, "digest": hub_keys.forward(d, v, to_version), "hub_key_version": to_version}
            for i, d, v in rows
        ]
        session.execute(update(MatchToken), changes)
        moved, last = moved + len(changes), rows[-1][0] or last


def _episode_digests(session: Session) -> int:
    """Recompute ``Episode.keys_digest`` from the episode's (moved) tokens."""
    tokens: dict[int, list[tuple[str, int, bytes]]] = {}
    for owner, key_type, epoch, digest in session.exec(
        select(MatchToken.owner_id, MatchToken.key_type, MatchToken.epoch, MatchToken.digest).where(
            MatchToken.owner_kind == EPISODE
        )
    ):
        tokens.setdefault(owner, []).append((key_type, epoch, digest))
    changes = [
        {"id": owner, "keys_digest": keys_digest(sorted(set(t)))} for owner, t in tokens.items()
    ]
    if changes:
        session.execute(update(Episode), changes)
    return len(changes)
