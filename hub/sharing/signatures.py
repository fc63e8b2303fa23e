"""Policy signatures at the hub: a council's agreement to a policy's exact content, recorded by
the scheme operator from the council's signed data-sharing agreement, audited in the same
transaction. The policy decision (policies/engine.py) reads them as a plain ``Signatures``."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam
from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import InvalidRequest, NotFound
from hub.identity.models import Authority
from hub.identity.service import authority_facts, facts_of
from hub.identity.values import AuthorityFacts
from hub.sharing.models import PolicySignature
from policies import Policy, PolicySet, Signatures


@dataclass(frozen=True, slots=True)
class SignatureRequest:
    policy_id: str
    authority: str
    policy_hash: str  # the content the council signed, as printed by `homeward policy check`
    signed_by: str
    agreement: str


@dataclass(frozen=True, slots=True)
class SignatureListing:
    policy_id: str
    policy_version: int
    policy_hash: str
    authority: str
    signed_by: str
    agreement: str
    signed_at: datetime
    current: bool  # for the content the hub runs now (False: an earlier version was signed)


def _policy(policies: PolicySet, policy_id: str) -> Policy:
    for policy in policies.policies:
        if policy.id == policy_id:
            return policy
    known = ", ".join(p.id for p in policies.policies) or "none"
    raise NotFound(f"the hub runs no policy {policy_id!r} (it runs: {known})")


def _signable(session: Session, policies: PolicySet, request: SignatureRequest) -> Policy:
    policy = _policy(policies, request.policy_id)
    facts = authority_facts(session, request.authority)
    if facts is None or not facts.active_council:
        raise NotFound(f"{request.authority} is not a registered, active council")
    running = policies.hashes[policy.id]
    if request.policy_hash != running:
        raise InvalidRequest(
            f"{request.authority} signed content {request.policy_hash[:16]}..., but the hub runs "
            f"{policy.id} v{policy.version} with content {running}: ask the council to sign "
            "that content (`homeward policy check` prints it)"
        )
    return policy


def sign(
    session: Session, audit: AuditLog, policies: PolicySet, request: SignatureRequest, now: datetime
) -> PolicySignature:
    """Record that ``request.authority`` signed the running content of the policy; audited.
    Signing the same content again changes nothing but the audit log."""
    policy = _signable(session, policies, request)
    row = session.exec(
        select(PolicySignature).where(
            PolicySignature.policy_hash == request.policy_hash,
            PolicySignature.authority == request.authority,
        )
    ).first() or PolicySignature(
        policy_id=policy.id,
        policy_version=policy.version,
        policy_hash=request.policy_hash,
        authority=request.authority,
        signed_by=request.signed_by,
        agreement=request.agreement,
        signed_at=now,
    )
    row.signed_by, row.agreement, row.signed_at, row.withdrawn_at = (
        request.signed_by,
        request.agreement,
        now,
        None,
    )
    session.add(row)
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.POLICY_SIGN,
        subject=request.authority,
        detail={
            "policy": policy.id,
            "policy_version": policy.version,
            "policy_hash": request.policy_hash,
            "signed_by": request.signed_by,
            "agreement": request.agreement,
        },
    )
    return row


def withdraw(
    session: Session,
    audit: AuditLog,
    policies: PolicySet,
    policy_id: str,
    authority: str,
    now: datetime,
) -> None:
    """The council withdraws its signature of the running policy: from now on it receives and
    discloses nothing under it. Audited."""
    policy_hash = policies.hashes[_policy(policies, policy_id).id]
    row = session.exec(
        select(PolicySignature).where(
            PolicySignature.policy_hash == policy_hash,
            PolicySignature.authority == authority,
            col(PolicySignature.withdrawn_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound(f"{authority} has not signed the running {policy_id}")
    row.withdrawn_at = now
    session.add(row)
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.POLICY_UNSIGN,
        subject=authority,
        detail={"policy": policy_id, "policy_hash": policy_hash},
    )


def _live(session: Session) -> list[PolicySignature]:
    query = select(PolicySignature).where(col(PolicySignature.withdrawn_at).is_(None))
    order = (col(PolicySignature.policy_id), col(PolicySignature.authority))
    return list(session.exec(query.order_by(*order)))


def _parties_query() -> Any:
    """Built once (hub/db/__init__.py)."""
    standing = and_(
        col(PolicySignature.authority) == col(Authority.code),
        col(PolicySignature.withdrawn_at).is_(None),
    )
    return (
        select(Authority, PolicySignature.policy_hash)
        .outerjoin(PolicySignature, standing)
        .where(col(Authority.code).in_(bindparam("codes", expanding=True)))
    )


_PARTIES = _parties_query()


def parties(
    session: Session, codes: Collection[str]
) -> tuple[dict[str, AuthorityFacts], Signatures]:
    """The facts of those of ``codes`` that are registered and their standing signatures, for
    the policy decision: one statement."""
    rows = session.execute(_PARTIES, {"codes": sorted(codes)})
    facts: dict[str, AuthorityFacts] = {}
    signed: list[tuple[str, str]] = []
    for authority, policy_hash in rows:
        facts[authority.code] = facts_of(authority)
        if policy_hash is not None:
            signed.append((policy_hash, authority.code))
    return facts, Signatures.of(signed)


def listing(session: Session, policies: PolicySet) -> list[SignatureListing]:
    running = set(policies.hashes.values())
    return [
        SignatureListing(
            r.policy_id,
            r.policy_version,
            r.policy_hash,
            r.authority,
            r.signed_by,
            r.agreement,
            r.signed_at,
            r.policy_hash in running,
        )
        for r in _live(session)
    ]
