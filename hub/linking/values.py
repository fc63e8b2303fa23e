"""The linking step's result as a plain value, for the pure sharing context."""

from dataclasses import dataclass

from hub.records.values import ChildFacts, EpisodeFacts
from policies import EventType, Identification


@dataclass(frozen=True, slots=True)
class Link:
    """An episode joined to a child: the reporter's own record, an automatic link by match
    keys, or a possible match that the child's responsible authority must review."""

    case_reference: str
    episode: EpisodeFacts
    child: ChildFacts
    identified_by: Identification
    confirmed: bool = False  # a possible match its responsible authority confirmed
    about: EventType | None = None  # what to tell, when not the episode's own event

    @property
    def event(self) -> EventType:
        return self.about or self.episode.event
