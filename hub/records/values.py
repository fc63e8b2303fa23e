"""Plain values for the pipeline's pure steps: what linking and sharing may know of a stored
child or episode, without the ORM (``hub.records.service`` makes them from rows)."""

from dataclasses import dataclass
from datetime import date, datetime

from hub.wire import event_of
from policies import EventType


@dataclass(frozen=True, slots=True)
class EpisodeFacts:
    id: int
    authority: str  # the reporting authority
    child_ref: str | None
    sealed_id: str | None
    kind: str
    start: date
    end: date | None
    started_at: datetime | None
    ended_at: datetime | None

    @property
    def event(self) -> EventType:
        return event_of(self.kind, ended=self.end is not None)


@dataclass(frozen=True, slots=True)
class ChildFacts:
    id: int
    authority: str  # the responsible authority
    sealed_id: str
    legal_status: str | None
    placement_type: str | None
    placement_authority: str | None
    placed_since: date | None
    confidential_location: bool = False  # share no location field (risk from family)


@dataclass(frozen=True, slots=True)
class StoredChild:
    """A child just written by ingest: enough to find the episodes it may answer."""

    id: int
    authority: str
    ref: str
