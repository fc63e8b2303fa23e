"""The policy engine: an event context in, the grants it earns out. Nothing granted = deny.

A policy (``policies/*.yaml``) names when it applies (event types, how the child was identified,
which roles must be different authorities, how recent the event must be) and, for each recipient
role, the allow-listed fields it may receive, for a purpose, under a lawful basis, kept for a
retention period.
"""

import hashlib
import json
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Role = Literal["responsible", "reporting", "area"]


class EventType(StrEnum):
    """What happened to the child: the one vocabulary for events, from wire to notification."""

    MISSING = "missing"
    AWAY = "away"
    FOUND = "found"
    # No return interview recorded 72 hours after a found episode (hub/delivery/interviews.py).
    RETURN_INTERVIEW_DUE = "return_interview_due"


class Identification(StrEnum):
    """How an episode was joined to a child: the one vocabulary for a match's outcome."""

    OWN_RECORD = "own_record"  # the reporter looks after the child itself
    LINKED = "linked"  # linked automatically through match keys
    POSSIBLE = "possible"  # a possible match that the responsible authority must review


OWN_REFERENCE = "your_reference"  # resolved per recipient: that recipient's own sealed id

FIELDS = frozenset(
    {
        "event",
        "episode_kind",
        "start",
        "end",
        "started_at",
        "ended_at",
        "case_reference",
        "match_status",
        "responsible_authority",
        "responsible_authority_name",
        "responsible_authority_contact",
        "reporting_authority",
        "reporting_authority_name",
        "reporting_authority_contact",
        "area_authority",
        "area_authority_name",
        "legal_status",
        "placement_type",
        "placed_since",
        OWN_REFERENCE,
    }
)


class PolicyError(ValueError):
    """A policy file is malformed; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conditions(_Strict):
    events: list[EventType] = Field(min_length=1)
    identified_by: list[Identification] = Field(min_length=1)
    different: list[tuple[Role, Role]] = Field(default_factory=list)
    within_days: int = Field(ge=1)


class RoleGrant(_Strict):
    to: Role
    fields: list[str] = Field(min_length=1)


class Policy(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: int = Field(ge=1)
    description: str
    purpose: str
    lawful_basis: str
    retention_days: int = Field(ge=1)
    when: Conditions
    grants: list[RoleGrant] = Field(min_length=1)

    def model_post_init(self, _context: object) -> None:
        for grant in self.grants:
            unknown = set(grant.fields) - FIELDS
            if unknown:
                raise ValueError(f"unknown fields {sorted(unknown)}; known: {sorted(FIELDS)}")

    @property
    def content_hash(self) -> str:
        """SHA-256 of the policy's canonical JSON: what a notification records it was granted
        under, so a later edit that keeps the version number still shows."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class EventContext:
    """Everything a decision may look at. ``roles`` maps role -> authority code."""

    event: EventType
    identified_by: Identification
    event_date: date
    today: date
    roles: Mapping[Role, str]
    facts: Mapping[str, str | None]
    own_references: Mapping[Role, str | None] = field(default_factory=dict)


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


def _applies(policy: Policy, ctx: EventContext) -> bool:
    when = policy.when
    if ctx.event not in when.events or ctx.identified_by not in when.identified_by:
        return False
    if (ctx.today - ctx.event_date) > timedelta(days=when.within_days):
        return False
    for left, right in when.different:
        a, b = ctx.roles.get(left), ctx.roles.get(right)
        if a is None or b is None or a == b:
            return False
    return True


def _grant(
    policy: Policy, policy_hash: str, role_grant: RoleGrant, ctx: EventContext
) -> Grant | None:
    recipient = ctx.roles.get(role_grant.to)
    if recipient is None:
        return None
    fields = {
        name: ctx.own_references.get(role_grant.to)
        if name == OWN_REFERENCE
        else ctx.facts.get(name)
        for name in role_grant.fields
    }
    return Grant(
        policy_id=policy.id,
        policy_version=policy.version,
        role=role_grant.to,
        recipient=recipient,
        purpose=policy.purpose,
        lawful_basis=policy.lawful_basis,
        retain_until=ctx.today + timedelta(days=policy.retention_days),
        fields=fields,
        policy_hash=policy_hash,
    )


class PolicySet:
    """An ordered set of policies. An empty set, or no applicable policy, denies."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self.policies = list(policies)
        ids = [p.id for p in self.policies]
        if len(ids) != len(set(ids)):
            raise PolicyError(f"duplicate policy ids in {ids}")
        self._hashes = {p.id: p.content_hash for p in self.policies}  # once, not per grant

    def decide(self, ctx: EventContext) -> list[Grant]:
        grants: list[Grant] = []
        for policy in self.policies:
            if not _applies(policy, ctx):
                continue
            for role_grant in policy.grants:
                granted = _grant(policy, self._hashes[policy.id], role_grant, ctx)
                if granted is not None:
                    grants.append(granted)
        return grants


class UnsafeAllowAllPolicy(PolicySet):
    """Grants every known fact to every role. For tests only; warns every time it runs."""

    def __init__(self) -> None:
        super().__init__([])

    def decide(self, ctx: EventContext) -> list[Grant]:
        warnings.warn("UnsafeAllowAllPolicy shares everything", UserWarning, stacklevel=2)
        return [
            Grant("unsafe-allow-all", 1, role, code, "test", "none", ctx.today, dict(ctx.facts), "")
            for role, code in ctx.roles.items()
        ]


def load_policy(path: Path) -> Policy:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Policy.model_validate(document)
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read policy: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
            for e in exc.errors()
        )
        raise PolicyError(f"{path}: invalid policy: {problems}") from exc


def load_policies(directory: Path) -> PolicySet:
    return PolicySet(load_policy(p) for p in sorted(directory.glob("*.yaml")))
