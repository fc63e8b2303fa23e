"""The audit hash chain becomes a Merkle transparency log (RFC 9162 §2.1), append-only in the
database.

Every hash-chained entry is carried over, in order, as a leaf of version 0 (index = seq - 1)
holding its fields unchanged and its chain position and hashes (``chain``: ``seq``,
``prev_hash``, ``hash``), so an export of the old chain can be matched entry by entry; the
subtree hashes are computed here. No checkpoint is signed by the migration: the hub signs the
first when it is next asked for one. Leaves, subtree hashes and checkpoints refuse UPDATE and
DELETE (a trigger on SQLite and PostgreSQL; on PostgreSQL the privileges are revoked from
PUBLIC as well: grant the application role INSERT and SELECT only, see docs/design.md).

Downgrade rebuilds a hash chain over every leaf (new entries get new chain hashes).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-20
"""

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from hub.audit import legacy, merkle
from hub.audit.entry import Entry, parse_leaf

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("auditleaf", "merklenode", "auditcheckpoint")
_old = sa.table(
    "auditrecord",
    sa.column("seq", sa.Integer()),
    sa.column("at", UTCDateTime()),
    sa.column("actor", AutoString()),
    sa.column("action", AutoString()),
    sa.column("subject", AutoString()),
    sa.column("detail", sa.Text()),
    sa.column("prev_hash", AutoString()),
    sa.column("hash", AutoString()),
)


def upgrade() -> None:
    leaves, nodes, head, _ = _create_tables()
    rows = op.get_bind().execute(sa.select(_old).order_by(_old.c.seq)).mappings().all()
    built = [_leaf(i, r) for i, r in enumerate(rows)]
    if built:
        op.bulk_insert(leaves, [b[0] for b in built])
        op.bulk_insert(nodes, _nodes([merkle.leaf_hash(b[1]) for b in built]))
    op.bulk_insert(head, [{"id": 1, "size": len(built)}])
    op.drop_table("audithead")
    op.drop_index("ix_auditrecord_actor", table_name="auditrecord")
    op.drop_table("auditrecord")
    _append_only()


def _create_tables() -> tuple[sa.Table, sa.Table, sa.Table, sa.Table]:
    leaves = op.create_table(
        "auditleaf",
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", AutoString(), nullable=False),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("subject", AutoString(), nullable=False),
        sa.Column("refs", sa.Text(), nullable=False),
        sa.Column("leaf", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("idx"),
    )
    for column in ("at", "actor", "action", "subject"):
        op.create_index(f"ix_auditleaf_{column}", "auditleaf", [column])
    nodes = op.create_table(
        "merklenode",
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("hash", AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx"),
    )
    head = op.create_table(
        "treehead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    checkpoints = op.create_table(
        "auditcheckpoint",
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", AutoString(length=64), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("size"),
    )
    return leaves, nodes, head, checkpoints


def _leaf(index: int, r: sa.RowMapping) -> tuple[dict[str, object], bytes]:
    try:
        detail = json.loads(r["detail"])
    except ValueError:
        detail = {"unreadable": r["detail"]}
    chain = {"seq": r["seq"], "prev_hash": r["prev_hash"], "hash": r["hash"]}
    entry = Entry(
        at=r["at"],
        actor=r["actor"],
        action=r["action"],
        subject=r["subject"],
        detail=detail if isinstance(detail, dict) else {"value": detail},
        version=0,
        chain=chain,
    )
    leaf = entry.leaf()
    row = {
        "idx": index,
        "at": r["at"],
        "actor": r["actor"],
        "action": r["action"],
        "subject": r["subject"],
        "refs": "",
        "leaf": leaf.decode("utf-8"),
    }
    return row, leaf


def _nodes(hashes: list[bytes]) -> list[dict[str, object]]:
    """Every complete subtree of the tree over these leaf hashes, level by level."""
    out, level, current = [], 0, hashes
    while current:
        out += [{"level": level, "idx": i, "hash": h.hex()} for i, h in enumerate(current)]
        current = [
            merkle.node_hash(a, b) for a, b in zip(current[::2], current[1::2], strict=False)
        ]
        level += 1
    return out


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION homeward_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only (%)', TG_TABLE_NAME; END $$"
        )
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            name = f"{table}_no_{event.lower()}"
            if op.get_bind().dialect.name == "postgresql":
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION homeward_append_only()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                )
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")


def downgrade() -> None:
    rows = op.get_bind().execute(sa.text("SELECT leaf FROM auditleaf ORDER BY idx")).all()
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_{event}"
                + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
            )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS homeward_append_only()")
    for table in ("auditcheckpoint", "treehead", "merklenode"):
        op.drop_table(table)
    for column in ("at", "actor", "action", "subject"):
        op.drop_index(f"ix_auditleaf_{column}", table_name="auditleaf")
    op.drop_table("auditleaf")
    head = op.create_table(
        "audithead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    records = op.create_table(
        "auditrecord",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", AutoString(), nullable=False),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("subject", AutoString(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", AutoString(), nullable=False),
        sa.Column("hash", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_auditrecord_actor", "auditrecord", ["actor"])
    chain, prev = [], legacy.GENESIS_HASH
    for seq, (leaf,) in enumerate(rows, start=1):
        e = parse_leaf(str(leaf).encode("utf-8"))
        detail = legacy.canonical(dict(e.detail))
        at: datetime = e.at
        digest = legacy.entry_hash(
            seq=seq,
            at=at,
            actor=e.actor,
            action=e.action,
            subject=e.subject,
            detail=detail,
            prev_hash=prev,
        )
        chain.append(
            {
                "seq": seq,
                "at": at,
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "detail": detail,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if chain:
        op.bulk_insert(records, chain)
    op.bulk_insert(head, [{"id": 1, "seq": len(chain), "hash": prev}])
