"""What an attacker who owns the hub's database does first: drop the append-only protection."""

from sqlalchemy import Connection, text

PROTECTED = ("auditleaf", "merklenode", "auditcheckpoint")


def unprotect(conn: Connection) -> None:
    for table in PROTECTED:
        for event in ("update", "delete"):
            suffix = f" ON {table}" if conn.dialect.name == "postgresql" else ""
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{event}{suffix}"))
