"""The policy engine: an event context in, the grants it earns out. Nothing granted = deny.

A policy (``policies/*.yaml``, schema in ``policies/model.py``) names when it applies and, for
each recipient role, the allow-listed fields it may receive, for a purpose, under a lawful basis,
kept for a retention period. ``explain`` says for every policy why it applies or not and who
gets nothing; ``decide`` is its grants, so the hub, ``homeward policy explain`` and the policy
test files all run the same code.

Signatures: a policy applies only when every authority whose records the event carries (the
child's responsible authority, the episode's reporting authority) has signed its content, and
each recipient receives only if it has signed too. A confidential location removes the location
fields from every grant, whatever the policy says.
"""

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from policies.codes import CODED_FIELDS, meaning
from policies.errors import PolicyError
from policies.model import (
    FIELDS,
    LOCATION_FIELDS,
    LOCATION_WITHHELD,
    MATCH_STRENGTH,
    OWN_REFERENCE,
    WITHHELD_NOTE,
    EventType,
    Identification,
    Policy,
    Role,
    RoleGrant,
    Urgency,
)
from policies.signatures import Signatures

__all__ = ["FIELDS", "EventContext", "Grant", "PolicySet", "Refusal", "Role", "Verdict"]


@dataclass(frozen=True, slots=True)
class EventContext:
    """Everything a decision may look at. ``roles`` maps recipient role -> authority code;
    ``disclosers`` maps the roles whose records the event carries -> authority code."""

    event: EventType
    identified_by: Identification
    event_date: date
    today: date
    roles: Mapping[Role, str]
    facts: Mapping[str, str | None]
    disclosers: Mapping[Role, str]
    own_references: Mapping[Role, str | None] = field(default_factory=dict)
    confidential_location: bool = False


@dataclass(frozen=True, slots=True)
class Grant:
    policy_id: str
    policy_version: int
    role: Role
    recipient: str
    purpose: str
    lawful_basis: str
    retain_until: date
    fields: dict[str, str | None]
    policy_hash: str
    urgency: Urgency = "immediate"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A recipient a policy names that receives nothing, and why."""

    role: Role
    authority: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """One policy's answer for one event: its grants, or why it does not apply."""

    policy: Policy
    policy_hash: str
    not_applied: list[str]
    grants: list[Grant]
    refusals: list[Refusal]


def _strength(outcome: Identification) -> int:
    return MATCH_STRENGTH.index(Identification(outcome))


def _fact_listed(ctx: EventContext, name: str, allowed: Sequence[str] | None) -> str | None:
    if allowed is None or ctx.facts.get(name) in allowed:
        return None
    return f"{name} {ctx.facts.get(name) or '(unknown)'} is not one of {', '.join(allowed)}"


def _unmet(policy: Policy, ctx: EventContext) -> list[str]:
    """Every trigger condition the event does not meet (empty: the policy applies)."""
    when, unmet = policy.when, []
    if ctx.event not in when.events:
        unmet.append(f"event {ctx.event} is not one of {', '.join(when.events)}")
    if when.identified_by is not None and ctx.identified_by not in when.identified_by:
        unmet.append(f"match {ctx.identified_by} is not one of {', '.join(when.identified_by)}")
    if when.minimum_match is not None and _strength(ctx.identified_by) < _strength(
        when.minimum_match
    ):
        unmet.append(f"match {ctx.identified_by} is weaker than {when.minimum_match}")
    for name, allowed in (
        ("episode_kind", when.episode_kinds),
        ("legal_status", when.legal_statuses),
        ("placement_type", when.placement_types),
    ):
        if (problem := _fact_listed(ctx, name, allowed)) is not None:
            unmet.append(problem)
    if (ctx.today - ctx.event_date) > timedelta(days=when.within_days):
        unmet.append(f"event of {ctx.event_date} is older than {when.within_days} days")
    unmet.extend(filter(None, (_not_different(ctx, *pair) for pair in when.different)))
    return list(dict.fromkeys(unmet))  # each reason once


def _not_different(ctx: EventContext, left: Role, right: Role) -> str | None:
    a, b = ctx.roles.get(left), ctx.roles.get(right)
    if a is None or b is None:
        return f"there is no {left if a is None else right} authority to tell"
    return f"the {left} and {right} authority are the same council {a}" if a == b else None


def _unsigned_disclosers(policy_hash: str, ctx: EventContext, signed: Signatures) -> list[str]:
    return [
        f"the {role} authority {code} has not signed this policy, so discloses nothing under it"
        for role, code in sorted(ctx.disclosers.items())
        if not signed.signed(policy_hash, code)
    ]


def _fields(role_grant: RoleGrant, ctx: EventContext) -> dict[str, str | None]:
    """The allow-listed fields, each 903 code followed by its meaning; a confidential location
    removes the location fields and says so."""
    hidden = LOCATION_FIELDS if ctx.confidential_location else frozenset()
    names = [n for n in role_grant.fields if n not in hidden]
    fields: dict[str, str | None] = {}
    for name in names:
        value = (
            ctx.own_references.get(role_grant.to) if name == OWN_REFERENCE else ctx.facts.get(name)
        )
        fields[name] = value
        if name in CODED_FIELDS:
            fields[f"{name}_meaning"] = meaning(name, value)
    if len(names) < len(role_grant.fields):
        fields[LOCATION_WITHHELD] = WITHHELD_NOTE
    return fields


def _grant(policy: Policy, policy_hash: str, role_grant: RoleGrant, ctx: EventContext) -> Grant:
    return Grant(
        policy_id=policy.id,
        policy_version=policy.version,
        role=role_grant.to,
        recipient=ctx.roles[role_grant.to],
        purpose=policy.purpose,
        lawful_basis=policy.lawful_basis,
        retain_until=ctx.today + timedelta(days=policy.retention_days),
        fields=_fields(role_grant, ctx),
        policy_hash=policy_hash,
        urgency=policy.urgency,
    )


def _refusal(
    role_grant: RoleGrant, ctx: EventContext, policy_hash: str, signed: Signatures
) -> Refusal | None:
    recipient = ctx.roles.get(role_grant.to)
    if recipient is None:
        return Refusal(role_grant.to, None, f"this event has no {role_grant.to} authority to tell")
    if not signed.signed(policy_hash, recipient):
        return Refusal(role_grant.to, recipient, f"{recipient} has not signed this policy")
    return None


def verdict(policy: Policy, policy_hash: str, ctx: EventContext, signed: Signatures) -> Verdict:
    not_applied = _unmet(policy, ctx) or _unsigned_disclosers(policy_hash, ctx, signed)
    if not_applied:
        return Verdict(policy, policy_hash, not_applied, [], [])
    grants, refusals = [], []
    for role_grant in policy.grants:
        refused = _refusal(role_grant, ctx, policy_hash, signed)
        if refused is None:
            grants.append(_grant(policy, policy_hash, role_grant, ctx))
        else:
            refusals.append(refused)
    return Verdict(policy, policy_hash, [], grants, refusals)


class PolicySet:
    """An ordered set of policies. An empty set, or no applicable policy, denies."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self.policies = list(policies)
        ids = [p.id for p in self.policies]
        if len(ids) != len(set(ids)):
            raise PolicyError(f"duplicate policy ids in {ids}")
        self.hashes = {p.id: p.content_hash for p in self.policies}  # once, not per grant

    def explain(self, ctx: EventContext, signed: Signatures) -> list[Verdict]:
        return [verdict(p, self.hashes[p.id], ctx, signed) for p in self.policies]

    def decide(self, ctx: EventContext, signed: Signatures) -> list[Grant]:
        return [grant for v in self.explain(ctx, signed) for grant in v.grants]


class UnsafeAllowAllPolicy(PolicySet):
    """Grants every known fact to every role. For tests only; warns every time it runs."""

    def __init__(self) -> None:
        super().__init__([])

    def decide(self, ctx: EventContext, signed: Signatures) -> list[Grant]:
        warnings.warn("UnsafeAllowAllPolicy shares everything", UserWarning, stacklevel=2)
        return [
            Grant("unsafe-allow-all", 1, role, code, "test", "none", ctx.today, dict(ctx.facts), "")
            for role, code in ctx.roles.items()
        ]
