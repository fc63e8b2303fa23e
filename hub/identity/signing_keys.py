"""The scheme operator rotates and retires the hub's access-token signing keys; audited.

Rotation adds a version that signs every token from the hub's next start, while every older
version stays in the JWKS and keeps verifying the tokens it signed. Retiring a version drops
it: its tokens are refused from the hub's next start. A version is retired only once every
token it could have signed has expired (it stopped signing ``access_token_seconds`` plus the
clock leeway ago), unless forced. The key file is changed atomically and only after the
audit entry is written in the same transaction, so a refused or failed change leaves both
as they were. Key ids are public (they are in the JWKS); no key material is audited.
"""

from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import InvalidRequest
from hub.identity.tokens import TokenRules
from keys import SigningKeyring
from keys.signing import read_signing_keys, write_signing_keys

ACTOR = "operator"


def rotate(
    session: Session, audit: AuditLog, now: datetime, path: Path, alg: str | None = None
) -> SigningKeyring:
    """Add a new newest version to the keyring at ``path``; returns the new keyring."""
    planned = read_signing_keys(path).rotated(alg, now)
    newest = planned.newest
    detail = {"kid": newest["kid"], "alg": newest["alg"], "published": planned.kids}
    _audit(session, audit, now, AuditAction.SIGNING_KEY_ROTATE, str(newest["kid"]), detail)
    write_signing_keys(path, planned, replace=True)
    return planned


def retire(
    session: Session,
    audit: AuditLog,
    now: datetime,
    path: Path,
    kid: str,
    rules: TokenRules,
    *,
    force: bool = False,
) -> SigningKeyring:
    """Drop version ``kid``; refused while tokens it signed may still be valid (unless
    ``force``), and for the newest version, which signs."""
    keyring = read_signing_keys(path)
    try:
        remaining = keyring.retired(kid)
    except ValueError as exc:
        raise InvalidRequest(f"{path}: {exc}") from exc
    safe_from = _last_valid(keyring, kid, rules)
    if safe_from is not None and now < safe_from and not force:
        raise InvalidRequest(
            f"tokens signed by {kid} may be valid until {safe_from.isoformat()}; retire it "
            "after that (or --force, refusing those tokens at once)"
        )
    detail = {"kid": kid, "forced": bool(force), "published": remaining.kids}
    _audit(session, audit, now, AuditAction.SIGNING_KEY_RETIRE, kid, detail)
    write_signing_keys(path, remaining, replace=True)
    return remaining


def _last_valid(keyring: SigningKeyring, kid: str, rules: TokenRules) -> datetime | None:
    """When the last token ``kid`` can have signed expires (None: the file does not say)."""
    superseded = keyring.superseded_at(kid)
    if superseded is None:
        return None
    lifetime = rules.access_token_seconds + rules.leeway_seconds
    return superseded + timedelta(seconds=lifetime)


def _audit(
    session: Session,
    audit: AuditLog,
    now: datetime,
    action: AuditAction,
    subject: str,
    detail: dict[str, object],
) -> None:
    audit.append(session, now, actor=ACTOR, action=action, subject=subject, detail=detail)
