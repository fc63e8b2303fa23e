"""Clear records -> wire records. The last step inside the council: after this, names, dates of
birth, NHS numbers, UPNs and postcodes exist only as match-key tokens, and child ids only sealed.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from connectors.matchkeys import Identity, Tokeniser, normalise_identity
from connectors.records import ChildInCare, MissingEpisode
from connectors.similarity import Encoder
from connectors.sources.identity import IdentityRow
from hub import wire
from keys import CouncilKey, SharedKeyring


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A wire record and the digest of its content (sealed id excluded: it is re-sealed freshly
    each time, so only a real change of content changes the digest)."""

    record: wire.ChildRecord | wire.EpisodeRecord
    digest: str


def _digest(record: wire.ChildRecord | wire.EpisodeRecord) -> str:
    body = record.model_dump_json(exclude={"sealed_id"})
    return hashlib.sha256(body.encode()).hexdigest()


def identity_of(row: IdentityRow) -> Identity:
    return normalise_identity(
        forename=row.forename,
        surname=row.surname,
        dob=row.dob,
        sex=row.sex,
        nhs_number=row.nhs_number,
        upn=row.upn,
        postcode=row.postcode,
        known_as=row.known_as,
        former_surname=row.former_surname,
    )


def child_ref(council: CouncilKey, child_id: str) -> str:
    return council.record_ref("child", child_id)


def episode_ref(council: CouncilKey, child_id: str, episode: MissingEpisode) -> str:
    return council.record_ref("episode", f"{child_id}|{episode.kind}|{episode.start.isoformat()}")


class Pseudonymiser:
    """Derives tokens under every epoch of the shared keyring and seals ids under the council's
    key. Between installing a new epoch and retiring the old one (the rotation overlap, README
    "Keys and rotation"), each record carries its tokens under both, so it matches councils that
    have moved and councils that have not."""

    def __init__(self, keyring: SharedKeyring, council: CouncilKey) -> None:
        self._tokenisers = [Tokeniser(keyring.deriver(e)) for e in keyring.epochs]
        self._encoder = Encoder(keyring.deriver())  # the second stage: newest epoch only
        self._epoch = keyring.newest_epoch
        self._council = council

    def similarity(self, row: IdentityRow, identity: Identity) -> wire.Similarity:
        """The second stage's keyed encoding (connectors/similarity.py), built here and so
        well formed: not re-validated."""
        code = self._encoder(identity, row.postcode)
        return wire.Similarity.model_construct(
            epoch=self._epoch,
            names=code.names.hex(),
            born=code.born.hex(),
            blocks=list(code.blocks),
        )

    def child_ref(self, child_id: str) -> str:
        """The reference the hub knows this council's child by."""
        return child_ref(self._council, child_id)

    def match_keys(self, identity: Identity) -> list[wire.MatchKey]:
        """Tokens built by this connector's own code are well formed by construction, so the
        wire models skip re-validation (the hub validates everything it receives)."""
        construct = wire.MatchKey.model_construct
        return [
            construct(type=t, epoch=tokenise.epoch, token=v)
            for tokenise in self._tokenisers
            for t, v in tokenise(identity)
        ]

    def child(self, child: ChildInCare) -> Outgoing:
        row = child.identity
        identity = identity_of(row)
        record = wire.ChildRecord(
            ref=child_ref(self._council, row.child_id),
            sealed_id=self._council.seal(row.child_id),
            match_keys=self.match_keys(identity),
            similarity=self.similarity(row, identity),
            legal_status=child.legal_status,
            placement_type=child.placement_type,
            placement_authority=child.placement_authority,
            placed_since=child.placed_since,
            confidential_location=child.confidential_location,
        )
        return Outgoing(record, _digest(record))

    def episode(self, episode: MissingEpisode, in_care: bool) -> Outgoing:
        """An episode of a child this council looks after is joined by reference alone; any
        other child is described by match keys for the hub to link."""
        child_id = episode.identity.child_id
        identity = None if in_care else identity_of(episode.identity)
        record = wire.EpisodeRecord(
            ref=episode_ref(self._council, child_id, episode),
            child_ref=child_ref(self._council, child_id) if in_care else None,
            sealed_id=self._council.seal(child_id),
            match_keys=[] if identity is None else self.match_keys(identity),
            similarity=None if identity is None else self.similarity(episode.identity, identity),
            kind=episode.kind,
            start=episode.start,
            end=episode.end,
            started_at=episode.started_at,
            ended_at=None,
        )
        return Outgoing(record, _digest(record))

    def live_event(
        self,
        *,
        event_id: str,
        kind: str,
        started_at: datetime,
        ended_at: datetime | None,
        identity: IdentityRow | None,
        own_child_id: str | None,
    ) -> wire.EpisodeRecord:
        """An urgent event: joined by reference when this council looks after the child,
        otherwise described by the match keys of whatever identity the reporter holds."""
        described = None if own_child_id or identity is None else identity_of(identity)
        return wire.EpisodeRecord(
            ref=self._council.record_ref("event", event_id),
            child_ref=child_ref(self._council, own_child_id) if own_child_id else None,
            sealed_id=self._council.seal(event_id),
            match_keys=[] if described is None else self.match_keys(described),
            similarity=None
            if described is None or identity is None
            else self.similarity(identity, described),
            kind=kind,
            start=started_at.date(),
            end=ended_at.date() if ended_at else None,
            started_at=started_at,
            ended_at=ended_at,
        )
