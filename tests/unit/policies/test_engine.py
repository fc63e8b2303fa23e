"""The policy engine: loading refuses what it does not know, naming the file; deciding is
default deny, recent events only, allow-listed fields only, kept for the policy's retention."""

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from policies import (
    EventContext,
    Policy,
    PolicyError,
    PolicySet,
    Signatures,
    UnsafeAllowAllPolicy,
    engine,
)
from policies.loading import load_policies, load_policy
from tests.conftest import REPO

SHIPPED_DIR = REPO / "policies"
SHIPPED = load_policies(SHIPPED_DIR)
TODAY = date(2024, 3, 10)
CODES = ["E09000001", "E06000023", "E08000025", "A"]
ALL_SIGNED = Signatures.everyone(SHIPPED.policies, CODES)
MEANINGS = {"legal_status_meaning", "placement_type_meaning", "episode_kind_meaning"}


def shipped_document(name: str = "notify-responsible-authority") -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((SHIPPED_DIR / f"{name}.yaml").read_text("utf-8"))
    return document


def write_policy(folder: Path, document: dict[str, Any], name: str = "policy.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_the_shipped_policies_load_in_file_order() -> None:
    assert [p.id for p in SHIPPED.policies] == [
        "notify-area-authority",
        "notify-responsible-authority",
        "return-interview-reminder",
        "review-possible-match",
    ]


def test_an_unknown_field_in_a_grant_is_a_load_error_naming_it_and_the_file(
    tmp_path: Path,
) -> None:
    document = shipped_document()
    document["grants"][0]["fields"].append("date_of_birth")
    path = write_policy(tmp_path, document)
    with pytest.raises(PolicyError, match=r"unknown fields \['date_of_birth'\]") as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}: invalid policy")


@pytest.mark.parametrize(
    ("where", "key"),
    [((), "share_everything"), (("when",), "within_dayz"), (("grants", 0), "fields_extra")],
    ids=["top level", "when", "grant"],
)
def test_an_unknown_key_is_a_load_error_naming_it_and_the_file(
    tmp_path: Path, where: tuple[str | int, ...], key: str
) -> None:
    document = shipped_document()
    target: Any = document
    for step in where:
        target = target[step]
    target[key] = True
    path = write_policy(tmp_path, document)
    with pytest.raises(PolicyError, match=f"{key}: Extra inputs are not permitted") as caught:
        load_policy(path)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"retention_days": 0}, "retention_days"),
        ({"when": {"events": [], "identified_by": ["linked"], "within_days": 1}}, "when.events"),
        ({"grants": []}, "grants"),
        ({"id": "Has Spaces"}, "id"),
    ],
)
def test_an_invalid_value_is_a_load_error(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    path = write_policy(tmp_path, {**shipped_document(), **change})
    with pytest.raises(PolicyError, match=problem):
        load_policy(path)


def test_an_unreadable_policy_file_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match="cannot read policy"):
        load_policy(path)


def test_two_policies_with_one_id_are_refused(tmp_path: Path) -> None:
    write_policy(tmp_path, shipped_document(), "a.yaml")
    write_policy(tmp_path, shipped_document(), "b.yaml")
    with pytest.raises(PolicyError, match="duplicate policy ids"):
        load_policies(tmp_path)


roles = st.sampled_from(["responsible", "reporting", "area"])
codes = st.sampled_from(["E09000001", "E06000023", "E08000025"])
field_names = st.sampled_from(sorted(engine.FIELDS))
contexts = st.builds(
    EventContext,
    event=st.sampled_from(["missing", "away", "found"]),
    identified_by=st.sampled_from(["own_record", "linked", "possible"]),
    event_date=st.integers(0, 40).map(lambda age: TODAY - timedelta(days=age)),
    today=st.just(TODAY),
    roles=st.dictionaries(roles, codes),
    facts=st.dictionaries(st.one_of(field_names, st.text(max_size=12)), st.text(max_size=12)),
    disclosers=st.dictionaries(st.sampled_from(["responsible", "reporting"]), codes),
    own_references=st.dictionaries(roles, st.text(max_size=12)),
)


@given(contexts)
def test_an_empty_policy_set_denies_everything(ctx: EventContext) -> None:
    assert PolicySet([]).decide(ctx, ALL_SIGNED) == []


@given(contexts)
def test_a_grant_holds_only_its_policy_fields_for_a_present_role(ctx: EventContext) -> None:
    allowed = {(p.id, g.to): set(g.fields) for p in SHIPPED.policies for g in p.grants}
    for grant in SHIPPED.decide(ctx, ALL_SIGNED):
        assert set(grant.fields) - MEANINGS == allowed[(grant.policy_id, grant.role)]
        assert grant.recipient == ctx.roles[grant.role]


@given(contexts)
def test_a_possible_match_goes_only_to_the_responsible_authority(ctx: EventContext) -> None:
    if ctx.identified_by == "possible":
        assert {g.role for g in SHIPPED.decide(ctx, ALL_SIGNED)} <= {"responsible"}


@given(contexts)
def test_events_older_than_within_days_are_denied(ctx: EventContext) -> None:
    for grant in SHIPPED.decide(ctx, ALL_SIGNED):
        policy = next(p for p in SHIPPED.policies if p.id == grant.policy_id)
        assert ctx.today - ctx.event_date <= timedelta(days=policy.when.within_days)


@given(contexts)
def test_retention_runs_from_the_decision_date(ctx: EventContext) -> None:
    retention = {p.id: p.retention_days for p in SHIPPED.policies}
    for grant in SHIPPED.decide(ctx, ALL_SIGNED):
        assert grant.retain_until == TODAY + timedelta(days=retention[grant.policy_id])


def five_day_policy(**changes: Any) -> Policy:
    document = {
        **shipped_document("review-possible-match"),
        "when": {"events": ["missing"], "identified_by": ["possible"], "within_days": 5},
        **changes,
    }
    return Policy.model_validate(document)


@pytest.mark.parametrize(("age", "granted"), [(0, True), (5, True), (6, False), (400, False)])
def test_within_days_is_inclusive_of_the_nth_day(age: int, granted: bool) -> None:
    ctx = EventContext(
        "missing", "possible", TODAY - timedelta(days=age), TODAY, {"responsible": "A"}, {}, {}
    )
    policy = five_day_policy()
    signed = Signatures.everyone([policy], CODES)
    assert bool(PolicySet([policy]).decide(ctx, signed)) is granted


@pytest.mark.parametrize("days", [1, 90, 3650])
def test_retain_until_is_today_plus_retention_days(days: int) -> None:
    ctx = EventContext("missing", "possible", TODAY, TODAY, {"responsible": "A"}, {}, {})
    policy = five_day_policy(retention_days=days)
    (grant,) = PolicySet([policy]).decide(ctx, Signatures.everyone([policy], CODES))
    assert grant.retain_until == TODAY + timedelta(days=days)


def test_the_unsafe_allow_all_policy_warns_every_time() -> None:
    ctx = EventContext(
        "found", "linked", TODAY, TODAY, {"responsible": "A"}, {"event": "found"}, {}
    )
    unsafe = UnsafeAllowAllPolicy()
    for _ in range(2):
        with pytest.warns(UserWarning, match="shares everything"):
            (grant,) = unsafe.decide(ctx, ALL_SIGNED)
        assert grant.fields == {"event": "found"}


signers = st.sets(st.sampled_from(CODES))


@given(contexts, signers)
def test_only_a_council_that_signed_receives(ctx: EventContext, signed_by: set[str]) -> None:
    signed = Signatures.everyone(SHIPPED.policies, signed_by)
    for grant in SHIPPED.decide(ctx, signed):
        assert grant.recipient in signed_by
        assert set(ctx.disclosers.values()) <= signed_by  # every discloser signed too


@given(contexts)
def test_nobody_has_signed_so_nothing_is_shared(ctx: EventContext) -> None:
    assert SHIPPED.decide(ctx, Signatures()) == []


@given(contexts)
def test_a_confidential_location_is_never_in_a_grant(ctx: EventContext) -> None:
    hidden = replace(ctx, confidential_location=True)
    for grant in SHIPPED.decide(hidden, ALL_SIGNED):
        assert not set(grant.fields) & (engine.LOCATION_FIELDS | {"placement_type_meaning"})


def test_a_signature_of_earlier_content_does_not_count() -> None:
    policy = five_day_policy()
    edited = policy.model_copy(update={"retention_days": policy.retention_days + 1})
    ctx = EventContext("missing", "possible", TODAY, TODAY, {"responsible": "A"}, {}, {})
    assert PolicySet([edited]).decide(ctx, Signatures.everyone([policy], CODES)) == []
    assert PolicySet([edited]).decide(ctx, Signatures.everyone([edited], CODES)) != []


@pytest.mark.parametrize(
    ("match", "admitted"), [("possible", False), ("linked", True), ("own_record", True)]
)
def test_minimum_match_admits_that_strength_and_stronger(match: str, admitted: bool) -> None:
    policy = five_day_policy(
        when={"events": ["missing"], "minimum_match": "linked", "within_days": 5}
    )
    ctx = EventContext("missing", match, TODAY, TODAY, {"responsible": "A"}, {}, {})
    granted = PolicySet([policy]).decide(ctx, Signatures.everyone([policy], CODES))
    assert bool(granted) is admitted


@pytest.mark.parametrize(
    ("facts", "admitted"),
    [
        ({"legal_status": "C2", "placement_type": "K2", "episode_kind": "M"}, True),
        ({"legal_status": "V2", "placement_type": "K2", "episode_kind": "M"}, False),
        ({"legal_status": "C2", "placement_type": "U4", "episode_kind": "M"}, False),
        ({"legal_status": "C2", "placement_type": "K2", "episode_kind": "A"}, False),
        ({"placement_type": "K2", "episode_kind": "M"}, False),  # unknown legal status
    ],
)
def test_conditions_on_legal_status_placement_and_record_kind(
    facts: dict[str, str], admitted: bool
) -> None:
    when = {
        "events": ["missing"],
        "identified_by": ["possible"],
        "legal_statuses": ["C1", "C2"],
        "placement_types": ["K1", "K2"],
        "episode_kinds": ["M"],
        "within_days": 5,
    }
    policy = five_day_policy(when=when)
    ctx = EventContext("missing", "possible", TODAY, TODAY, {"responsible": "A"}, facts, {})
    granted = PolicySet([policy]).decide(ctx, Signatures.everyone([policy], CODES))
    assert bool(granted) is admitted


def test_a_policy_needs_a_match_condition() -> None:
    document = shipped_document()
    del document["when"]["identified_by"]
    with pytest.raises(ValueError, match="give identified_by or minimum_match"):
        Policy.model_validate(document)
