"""The policy schema: what a sharing policy may say, as strict pydantic models.

``policies/schema/policy.schema.json`` is generated from these models (``policy_json_schema``)
and ``docs/policies.md`` explains each key for the lawyers who sign policies.
"""

import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from policies.codes import known_codes

SCHEMA_VERSION = 2
SCHEMA_ID = f"https://homeward.invalid/schema/policy/v{SCHEMA_VERSION}.json"

Role = Literal["responsible", "reporting", "area"]
EpisodeKind = Literal["M", "A"]
Urgency = Literal["immediate", "routine"]


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


# Match strength, weakest first: a policy's ``minimum_match`` admits that outcome and stronger.
MATCH_STRENGTH = (Identification.POSSIBLE, Identification.LINKED, Identification.OWN_RECORD)

OWN_REFERENCE = "your_reference"  # resolved per recipient: that recipient's own sealed id

# Where the child lives or is placed. A child with a confidential location (e.g. risk from
# family) never has these in any notification, whatever a policy grants.
LOCATION_FIELDS = frozenset(
    {"area_authority", "area_authority_name", "placement_type", "placed_since"}
)
LOCATION_WITHHELD = "location_withheld"
WITHHELD_NOTE = "confidential location: ask the responsible authority"

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


def _enum(values: list[str]) -> list[JsonValue]:
    return list(values)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(name: str, values: list[str] | None) -> list[str] | None:
    unknown = sorted(set(values or ()) - set(known_codes(name)))
    if unknown:
        raise ValueError(f"unknown {name} codes {unknown}; known: {known_codes(name)}")
    return values


class Conditions(_Strict):
    """The trigger: every condition given must hold for the policy to apply."""

    events: list[EventType] = Field(min_length=1, description="Event kinds the policy covers.")
    identified_by: list[Identification] | None = Field(
        default=None,
        min_length=1,
        description="Match outcomes the policy covers (own_record, linked, possible).",
    )
    minimum_match: Identification | None = Field(
        default=None,
        description="The weakest match outcome the policy accepts; strength runs "
        "possible < linked < own_record.",
    )
    episode_kinds: list[EpisodeKind] | None = Field(
        default=None,
        min_length=1,
        description="903 missing-episode record kinds: M (missing) or A (away without "
        "authorisation). Absent: either.",
    )
    legal_statuses: list[str] | None = Field(
        default=None,
        min_length=1,
        description="903 legal status (LS) codes the child must have. Absent: any; a child "
        "whose legal status is unknown does not meet a list.",
        json_schema_extra={"items": {"enum": _enum(known_codes("legal_status"))}},
    )
    placement_types: list[str] | None = Field(
        default=None,
        min_length=1,
        description="903 placement type (PLACE) codes the child must have. Absent: any.",
        json_schema_extra={"items": {"enum": _enum(known_codes("placement_type"))}},
    )
    different: list[tuple[Role, Role]] = Field(
        default_factory=list,
        description="Pairs of roles that must be held by two different authorities, e.g. "
        "[responsible, reporting]: the reporter is not the responsible authority.",
    )
    within_days: int = Field(ge=1, description="How recent the event must be, in days.")

    @field_validator("legal_statuses")
    @classmethod
    def _legal_statuses(cls, value: list[str] | None) -> list[str] | None:
        return _known("legal_status", value)

    @field_validator("placement_types")
    @classmethod
    def _placement_types(cls, value: list[str] | None) -> list[str] | None:
        return _known("placement_type", value)

    @model_validator(mode="after")
    def _a_match_condition(self) -> "Conditions":
        if self.identified_by is None and self.minimum_match is None:
            raise ValueError("give identified_by or minimum_match: which matches does it cover?")
        return self


class RoleGrant(_Strict):
    """A recipient, by role, and the allow-listed fields it receives."""

    to: Role = Field(description="responsible, reporting or area authority.")
    fields: list[str] = Field(
        min_length=1,
        description="Fields the recipient receives; nothing else is ever sent.",
        json_schema_extra={"items": {"enum": _enum(sorted(FIELDS))}},
    )

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = set(value) - FIELDS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}; known: {sorted(FIELDS)}")
        return value


class Policy(_Strict):
    """One sharing policy: who is told what, when, why, under which law, and for how long."""

    id: str = Field(pattern=r"^[a-z0-9-]+$", description="Stable identifier.")
    version: int = Field(ge=1, description="Raised with every change of meaning.")
    description: str = Field(description="What the policy does, in one or two sentences.")
    purpose: str = Field(description="Why the data is shared (the statutory duty it serves).")
    lawful_basis: str = Field(description="UK GDPR Article 6 (and 9 where relevant) basis.")
    urgency: Urgency = Field(
        default="immediate",
        description=(
            "immediate: sent at once; routine: may wait for the daily digest where one is "
            "configured (missing and found episodes are always sent at once)."
        ),
    )
    retention_days: int = Field(ge=1, description="Days a recipient's copy is kept.")
    when: Conditions
    grants: list[RoleGrant] = Field(min_length=1, description="Recipients by role.")

    @property
    def content_hash(self) -> str:
        """SHA-256 of the policy's canonical JSON: what a council signs and what a notification
        records it was granted under, so a later edit that keeps the version number still shows."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file (committed as policies/schema/policy.schema.json)."""
    schema = Policy.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "x-homeward-schema-version": SCHEMA_VERSION,
        **schema,
    }
