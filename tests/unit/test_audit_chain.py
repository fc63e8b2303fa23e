"""The hash chain detects any edited, deleted or reordered entry (pure, no database)."""

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from hub import audit
from hub.audit.models import AuditHead, AuditRecord


def chain(n: int) -> tuple[list[AuditRecord], AuditHead]:
    records, prev = [], audit.GENESIS_HASH
    start = datetime(2026, 11, 25, tzinfo=UTC)
    for seq in range(1, n + 1):
        detail = audit.canonical({"n": seq, "recipient": "E08000025"})
        at = start + timedelta(seconds=seq)
        h = audit.entry_hash(
            seq=seq,
            at=at,
            actor="hub",
            action="notification.create",
            subject=f"HW-{seq}",
            detail=detail,
            prev_hash=prev,
        )
        records.append(
            AuditRecord(
                seq=seq,
                at=at,
                actor="hub",
                action="notification.create",
                subject=f"HW-{seq}",
                detail=detail,
                prev_hash=prev,
                hash=h,
            )
        )
        prev = h
    return records, AuditHead(id=1, seq=n, hash=prev)


def test_an_untouched_chain_verifies() -> None:
    records, head = chain(20)
    result = audit.verify_chain(records, head)
    assert result.ok and result.entries == 20


def test_a_deleted_entry_is_detected() -> None:
    records, head = chain(10)
    del records[4]
    result = audit.verify_chain(records, head)
    assert not result.ok and result.problem == "entry 5 is missing"


def test_a_deleted_last_entry_is_detected_by_the_head() -> None:
    records, head = chain(10)
    result = audit.verify_chain(records[:-1], head)
    assert not result.ok and "head" in (result.problem or "")


def test_reordered_entries_are_detected() -> None:
    records, head = chain(10)
    records[3], records[4] = records[4], records[3]
    assert not audit.verify_chain(records, head).ok


def test_renumbered_entries_are_detected() -> None:
    records, head = chain(10)
    records[3].seq, records[4].seq = records[4].seq, records[3].seq
    records[3], records[4] = records[4], records[3]
    assert not audit.verify_chain(records, head).ok


FIELDS = ("actor", "action", "subject", "detail", "prev_hash", "hash")


@given(index=st.integers(0, 9), field=st.sampled_from(FIELDS), replacement=st.text(max_size=8))
def test_any_edited_field_is_detected(index: int, field: str, replacement: str) -> None:
    records, head = chain(10)
    original = getattr(records[index], field)
    edited = json.dumps({"edited": replacement}) if field == "detail" else replacement
    if edited == original:
        return
    setattr(records[index], field, edited)
    assert not audit.verify_chain(records, head).ok


@given(index=st.integers(0, 9), seconds=st.integers(1, 10**6))
def test_an_edited_timestamp_is_detected(index: int, seconds: int) -> None:
    records, head = chain(10)
    records[index].at = records[index].at + timedelta(microseconds=seconds)
    assert not audit.verify_chain(records, head).ok
