"""Known-answer policy decisions (tests/vectors/policy_cases.json) against the shipped policies
and inline policy documents."""

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from policies import EventContext, Policy, PolicySet, Signatures, load_policies
from tests.conftest import REPO, load_vectors

VECTORS = load_vectors("policy_cases")
CASES = VECTORS["cases"]
SHIPPED = load_policies(REPO / "policies")


def policy_set(chosen: str | list[str]) -> PolicySet:
    if chosen == "shipped":
        return SHIPPED
    return PolicySet(Policy.model_validate(VECTORS["inline_policies"][name]) for name in chosen)


def context(raw: dict[str, Any]) -> EventContext:
    return EventContext(
        event=raw["event"],
        identified_by=raw["identified_by"],
        event_date=date.fromisoformat(raw["event_date"]),
        today=date.fromisoformat(raw["today"]),
        roles=raw["roles"],
        facts=raw.get("facts", VECTORS["facts"]),
        disclosers=raw.get("disclosers", {}),
        own_references=raw["own_references"],
    )


def as_vector(grant: dict[str, Any]) -> dict[str, Any]:
    """The grant as the vectors spell it; its policy hash is checked on its own."""
    kept = {k: v for k, v in grant.items() if k not in ("policy_hash", "urgency")}
    kept["fields"] = {k: v for k, v in grant["fields"].items() if not k.endswith("_meaning")}
    return {**kept, "retain_until": grant["retain_until"].isoformat()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_policy_decision(case: dict[str, Any]) -> None:
    policies = policy_set(case["policies"])
    ctx = context(case["context"])
    signed = Signatures.everyone(policies.policies, [*ctx.roles.values(), *ctx.disclosers.values()])
    grants = policies.decide(ctx, signed)
    assert [as_vector(asdict(g)) for g in grants] == case["grants"]
    content = {p.id: p.content_hash for p in policies.policies}
    assert all(g.policy_hash == content[g.policy_id] for g in grants)


def test_a_grant_records_a_hash_that_changes_with_the_policy_content() -> None:
    shipped = SHIPPED.policies[0]
    edited = shipped.model_copy(update={"retention_days": shipped.retention_days + 1})
    assert edited.version == shipped.version
    assert edited.content_hash != shipped.content_hash
    assert len(shipped.content_hash) == 64


def test_the_vectors_cover_every_shipped_policy() -> None:
    granted = {g["policy_id"] for case in CASES for g in case["grants"]}
    assert {p.id for p in SHIPPED.policies} <= granted
