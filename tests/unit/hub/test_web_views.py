"""Notifications in plain English: UK time with its zone, 903 codes with meanings, urgent first."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from hub import wire
from hub.web.codes import LEGAL_STATUS, meaning
from hub.web.views import SEALED, inbox_order, uk_time, view


def notification(event: str = "missing", **fields: str | None) -> wire.Notification:
    return wire.Notification(
        id="n1",
        created_at=datetime(2026, 7, 1, 1, 0, tzinfo=UTC),
        event=event,  # type: ignore[arg-type]
        policy_id="notify-area-authority",
        policy_version=2,
        purpose="safeguarding",
        lawful_basis="public task",
        retain_until=date(2027, 7, 1),
        fields=dict(fields),
    )


def test_times_are_uk_times_with_their_zone() -> None:
    assert uk_time(datetime(2026, 11, 25, 1, 30, tzinfo=UTC)) == (
        "Wednesday 25 November 2026 at 1:30am GMT"
    )
    assert uk_time("2026-07-01T01:30:00+00:00") == "Wednesday 1 July 2026 at 2:30am BST"
    assert uk_time("2026-07-01") == "Wednesday 1 July 2026"
    assert uk_time(None) is None


def test_codes_come_with_their_meanings_and_unknown_ones_say_so() -> None:
    shown = view(1, notification(legal_status="C2", placement_type="Q9"))
    assert shown.codes == [
        ("Legal status", "C2: Full care order"),
        ("Placement type", "Q9 (code not recognised)"),
    ]


def test_the_reporter_and_contact_are_named_and_sealed_references_explained() -> None:
    shown = view(
        1,
        notification(
            reporting_authority="E06000023",
            reporting_authority_name="Bristol",
            reporting_authority_contact="Duty team, 0117 000 0000",
            your_reference="s1.00ff",
            match_status="possible match: needs review",
        ),
    )
    assert (shown.reported_by, shown.contact) == ("Bristol (E06000023)", "Duty team, 0117 000 0000")
    assert shown.your_reference == SEALED
    assert shown.needs_review and shown.urgent and shown.unread


def test_a_reminder_is_urgent_until_acknowledged() -> None:
    due = notification("return_interview_due")
    assert view(1, due).urgent
    assert not view(1, due.model_copy(update={"acknowledged_at": due.created_at})).urgent


@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["missing", "found", "away"]))))
def test_urgent_come_first_then_unread_then_the_rest_newest_first(
    rows: list[tuple[bool, str]],
) -> None:
    views = [
        view(
            seq,
            notification(event).model_copy(
                update={"acknowledged_at": None if unread else datetime(2026, 1, 1, tzinfo=UTC)}
            ),
        )
        for seq, (unread, event) in enumerate(rows)
    ]
    ordered = inbox_order(views)
    keys = [(not v.urgent, not v.unread, -v.seq) for v in ordered]
    assert keys == sorted(keys)
    assert {v.seq for v in ordered} == set(range(len(rows)))


def test_every_known_legal_status_reads_as_code_and_meaning() -> None:
    for code, text in LEGAL_STATUS.items():
        assert meaning(LEGAL_STATUS, code) == f"{code}: {text}"
    assert meaning(LEGAL_STATUS, None) is None
