"""Match-token rows: a record's tokens re-keyed with the hub key, and their bulk insert.

Rows travel as tuples in ``COLUMNS`` order (hub/db/bulk.py): a national sync writes about
fourteen rows a child, over a million, so no mapping is built per row.
"""

from collections.abc import Iterable, Sequence

from sqlmodel import Session, SQLModel

from hub import wire
from hub.db import bulk
from keys import HubKeyring

Rekeyed = list[tuple[str, int, bytes]]  # (key type, shared epoch, hub-keyed digest), sorted
COLUMNS = ("digest", "key_type", "epoch", "hub_key_version", "owner_kind", "owner_id", "authority")
TokenRow = tuple[bytes, str, int, int, str, int, str]

_TABLE = SQLModel.metadata.tables["matchtoken"]


def rekeyed(hub_keys: HubKeyring, keys: Sequence[wire.MatchKey]) -> Rekeyed:
    """The distinct tokens of ``keys`` under the storing hub-key version, sorted."""
    digests = hub_keys.rekey_many((k.type, k.epoch, k.token) for k in keys)
    return sorted({(k.type, k.epoch, d) for k, d in zip(keys, digests, strict=True)})


def token_rows(
    hub_key_version: int, owner_kind: str, owner_id: int, authority: str, tokens: Rekeyed
) -> list[TokenRow]:
    return [
        (digest, key_type, epoch, hub_key_version, owner_kind, owner_id, authority)
        for key_type, epoch, digest in tokens
    ]


def insert_tokens(session: Session, token_rows: Iterable[TokenRow]) -> None:
    """Straight into the table in bulk (COPY on PostgreSQL)."""
    bulk.insert_values(session, _TABLE, COLUMNS, list(token_rows))
