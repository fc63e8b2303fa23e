"""Which children keep what was last sent, because a row about them was rejected.

A child is removed at the hub only on positive evidence: its 903 episode closed, or it is absent
from a well-formed, complete extract. A rejected row is not evidence, so the child it was about
keeps its last-sent record and episodes (no update, no removal) until the row is fixed. When a
rejected row names no child that can be trusted (blank, garbled or over-long id, a shifted row),
any child might be the one it was about, so nothing at all is removed in that run.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from connectors.sources import Effect, SourceProblem
from connectors.state import SyncState


@dataclass(frozen=True)
class Holds:
    children: frozenset[str]  # refs of children with a rejected row
    everything: bool = False  # a rejected row named no trustworthy child

    @classmethod
    def from_problems(cls, problems: Iterable[SourceProblem], ref: Callable[[str], str]) -> "Holds":
        rejected = [p for p in problems if p.effect is Effect.ROW]
        return cls(
            frozenset(ref(p.child) for p in rejected if p.child is not None),
            any(p.child is None for p in rejected),
        )

    def keeps_child(self, child_ref: str | None) -> bool:
        return self.everything or child_ref in self.children

    def keeps_episode(self, episode_ref: str, state: SyncState) -> bool:
        """An episode sent before episode owners were recorded is kept if any child is held."""
        if self.everything:
            return True
        owner = state.episode_children.get(episode_ref)
        return bool(self.children) if owner is None else owner in self.children
