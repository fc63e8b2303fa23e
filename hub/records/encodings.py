"""Second-stage encodings at ingest: each record's filters in ``SimilarityEncoding`` and its
blocking tokens, re-keyed, as ``MatchToken`` rows of type ``sim_block``, and its identifier
neighbourhood tokens as rows of type ``id_near`` (so the candidate search finds them through
the token index, and hub-key rotation forwards them).

Called from the ingest path (hub.records.service) after the record's match-key tokens were
replaced: ``forget`` with the tokens, ``store`` after them. A record without an encoding (an
older connector) stores nothing and is linked on match keys alone.
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col

from hub import wire
from hub.db import bulk
from hub.linking.decide import ID_NEAR
from hub.records.models import SimilarityEncoding
from hub.records.tokens import TokenRow, insert_tokens
from keys import HubKeyring

BLOCK_TYPE = "sim_block"  # connectors.similarity.BLOCK_TYPE: the hub's key type for blocks

_ENCODINGS = SQLModel.metadata.tables["similarityencoding"]

Owned = tuple[int, wire.Similarity | None]  # (child or episode id, its encoding if sent)


def forget(session: Session, owner_kind: str, owner_ids: Sequence[int]) -> None:
    """Drop the filters of these records (their blocking tokens go with their match tokens)."""
    if owner_ids:
        session.execute(
            delete(SimilarityEncoding).where(
                col(SimilarityEncoding.owner_kind) == owner_kind,
                col(SimilarityEncoding.owner_id).in_(owner_ids),
            )
        )


def store(
    session: Session, hub_keys: HubKeyring, owner_kind: str, authority: str, owned: Iterable[Owned]
) -> None:
    """Store the filters and re-keyed blocking tokens of the records that carry an encoding."""
    encodings: list[dict[str, object]] = []
    blocks: list[TokenRow] = []
    version = hub_keys.version
    for owner_id, sim in owned:
        if sim is None:
            continue
        encodings.append(
            {
                "owner_kind": owner_kind,
                "owner_id": owner_id,
                "authority": authority,
                "epoch": sim.epoch,
                "names": bytes.fromhex(sim.names),
                "born": bytes.fromhex(sim.born),
            }
        )
        for key_type, tokens in ((BLOCK_TYPE, sim.blocks), (ID_NEAR, sim.near)):
            digests = set(hub_keys.rekey_many((key_type, sim.epoch, t) for t in tokens))
            blocks += [
                (digest, key_type, sim.epoch, version, owner_kind, owner_id, authority)
                for digest in sorted(digests)
            ]
    bulk.insert_rows(session, _ENCODINGS, encodings)  # COPY on PostgreSQL (hub/db/bulk.py)
    insert_tokens(session, blocks)
