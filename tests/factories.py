"""Factories for records and authorities, built with the real connector code and keys."""

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from connectors.pseudonymise import Pseudonymiser
from connectors.records import ChildInCare, MissingEpisode
from connectors.sources import IdentityRow
from hub import wire
from keys import CouncilKey, SharedKeyring

_ids = itertools.count(1000)


def person(**overrides: object) -> IdentityRow:
    """A child's identity as a council records it; override any field."""
    values: dict[str, object] = {
        "child_id": f"C{next(_ids)}",
        "forename": "Amelia",
        "surname": "Okafor",
        "dob": date(2010, 4, 17),
        "sex": "F",
        "nhs_number": "9434765919",
        "upn": None,
        "postcode": "B1 1AA",
    }
    values.update(overrides)
    return IdentityRow(**values)  # type: ignore[arg-type]


@dataclass
class CouncilSide:
    """One council's connector-side view: its keys and record builders."""

    code: str
    keyring: SharedKeyring
    council_key: CouncilKey = field(init=False)
    pseudonymiser: Pseudonymiser = field(init=False)

    def __post_init__(self) -> None:
        self.council_key = CouncilKey.generate(self.code)
        self.pseudonymiser = Pseudonymiser(self.keyring, self.council_key)

    def child(
        self,
        identity: IdentityRow,
        placement_authority: str | None = None,
        legal_status: str = "C2",
        placement_type: str = "K2",
    ) -> wire.ChildRecord:
        record = self.pseudonymiser.child(
            ChildInCare(
                identity=identity,
                legal_status=legal_status,
                placement_type=placement_type,
                placement_authority=placement_authority,
                placed_since=date(2026, 1, 5),
            )
        ).record
        assert isinstance(record, wire.ChildRecord)
        return record

    def event(
        self,
        identity: IdentityRow,
        event_id: str | None = None,
        kind: str = "M",
        at: datetime = datetime(2026, 11, 25, 1, 30, tzinfo=UTC),
        own: bool = False,
        ended_at: datetime | None = None,
    ) -> wire.EpisodeRecord:
        return self.pseudonymiser.live_event(
            event_id=event_id or f"EV{next(_ids)}",
            kind=kind,
            started_at=at,
            ended_at=ended_at,
            identity=identity,
            own_child_id=identity.child_id if own else None,
        )

    def own_episode(
        self, identity: IdentityRow, start: date, end: date | None = None, kind: str = "M"
    ) -> wire.EpisodeRecord:
        record = self.pseudonymiser.episode(
            MissingEpisode(identity=identity, kind=kind, start=start, end=end),  # type: ignore[arg-type]
            in_care=True,
        ).record
        assert isinstance(record, wire.EpisodeRecord)
        return record


def batch(**parts: object) -> dict[str, object]:
    return wire.RecordBatch(**parts).model_dump(mode="json")  # type: ignore[arg-type]
