"""Bulk writes (hub/db/bulk.py) on both databases: COPY on PostgreSQL, multi-row INSERTs on
SQLite, the same rows either way (dates, times, flags and bytes as the ORM stores them); an
update changes exactly the rows and columns given, NULLs too."""

from datetime import UTC, date, datetime

from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import SQLModel, select

from hub.db import bulk
from hub.records.models import Child, MatchToken
from tests.functional.conftest import register_authority

AUTHORITY = "E08000025"
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
CHILDREN, TOKENS = SQLModel.metadata.tables["child"], SQLModel.metadata.tables["matchtoken"]


def _child(ref: str, **changed: object) -> dict[str, object]:
    return {
        "authority": AUTHORITY,
        "ref": ref,
        "sealed_id": f"s1.{ref}",
        "legal_status": "C2",
        "placement_type": "U1",
        "placement_authority": "E09000007",
        "placed_since": date(2025, 1, 2),
        "updated_at": NOW,
        **changed,
    }


def test_insert_then_update_in_bulk(hub_app: FastAPI) -> None:
    register_authority(hub_app, AUTHORITY)
    with hub_app.state.hub.transaction() as session:
        bulk.insert_rows(
            session,
            CHILDREN,
            [_child(f"ref{n:05d}", confidential_location=n % 2 == 1) for n in range(401)],
        )
        ids = {ref: i for ref, i in session.execute(select(Child.ref, Child.id))}
        digest = bytes(range(32))
        token = {"key_type": "name_dob", "epoch": 1, "hub_key_version": 1, "owner_kind": "C"}
        rows = [
            {**token, "digest": digest, "owner_id": i, "authority": AUTHORITY} for i in ids.values()
        ]
        bulk.insert_rows(session, TOKENS, rows)
        changed = [
            {"id": ids["ref00007"], **_child("ref00007", placement_type=None, legal_status="V2")},
            {"id": ids["ref00299"], **_child("ref00299", placed_since=date(2026, 3, 4))},
        ]
        bulk.update_rows(session, CHILDREN, changed)
    with hub_app.state.hub.transaction() as session:
        stored = {c.ref: c for c in session.exec(select(Child))}
        tokens = session.exec(select(MatchToken.digest, MatchToken.owner_id)).all()
    assert len(stored) == 401
    assert [stored[r].confidential_location for r in ("ref00007", "ref00400")] == [True, False]
    assert (stored["ref00007"].placement_type, stored["ref00007"].legal_status) == (None, "V2")
    assert stored["ref00299"].placed_since == date(2026, 3, 4)
    assert stored["ref00008"].placement_type == "U1"
    assert stored["ref00008"].placed_since == date(2025, 1, 2)
    assert sorted(owner for _, owner in tokens) == sorted(ids.values())
    assert {d for d, _ in tokens} == {digest}


def test_nothing_to_write_writes_nothing(hub_app: FastAPI) -> None:
    with hub_app.state.hub.transaction() as session:
        bulk.insert_rows(session, CHILDREN, [])
        bulk.update_rows(session, CHILDREN, [])
        assert session.exec(select(Child)).all() == []


def test_bulk_rows_are_stored_as_the_orm_stores_them(hub_app: FastAPI) -> None:
    """Same stored values, not merely the same values read back: SQL compares them as stored."""
    register_authority(hub_app, AUTHORITY)
    with hub_app.state.hub.transaction() as session:
        session.add(Child(**_child("orm", confidential_location=True)))  # type: ignore[arg-type]
        bulk.insert_rows(session, CHILDREN, [_child("bulk", confidential_location=True)])
    with hub_app.state.hub.transaction() as session:
        stored = session.execute(
            text("SELECT ref, placed_since, updated_at, confidential_location FROM child")
        ).all()
    by_ref = {ref: tuple(values) for ref, *values in stored}
    assert by_ref["bulk"] == by_ref["orm"]
