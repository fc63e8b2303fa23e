"""903 + identity extract -> the clear records the connector pseudonymises.

Everything here is clear personal data and never leaves the council. A child is in care when
they have an open 903 episode (blank DEC). The placement authority comes from the identity
extract, else from the postcode lookup on PL_POST, else it is None: it is never guessed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from connectors.sources import (
    EPISODES,
    MISSING,
    Effect,
    EpisodeRow,
    IdentityExtract,
    IdentityRow,
    MissingRow,
    PostcodeLookup,
    SourceProblem,
    Ssda903,
)

RECENT = timedelta(days=365)  # missing episodes are kept this long after a child leaves care
ADD_IDENTITY = "add the child to the identity extract"


@dataclass(frozen=True, slots=True)
class ChildInCare:
    """A child currently looked after, with their current legal status and placement."""

    identity: IdentityRow
    legal_status: str
    placement_type: str
    placement_authority: str | None
    placed_since: date

    @property
    def confidential_location(self) -> bool:
        return self.identity.confidential_location


@dataclass(frozen=True, slots=True)
class MissingEpisode:
    """A missing (`M`) or away (`A`) episode; `end` None while the child is still missing."""

    identity: IdentityRow
    kind: Literal["M", "A"]
    start: date
    end: date | None
    started_at: datetime | None = None
    reported_by: str | None = None


@dataclass(slots=True)
class Records:
    """What the connector sends (in clear), and the problems found building it."""

    children: list[ChildInCare] = field(default_factory=list)
    episodes: list[MissingEpisode] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)  # table -> data rows read


@dataclass(slots=True)
class _Build:
    identities: dict[str, IdentityRow]
    lookup: PostcodeLookup | None
    episodes_file: str
    missing_file: str
    out: Records = field(default_factory=Records)
    reported: set[str] = field(default_factory=set)  # children already reported as unknown

    def problem(
        self, file: str, line: int, column: str, message: str, remedy: str, child: str | None = None
    ) -> None:
        """Report a problem; with ``child``, that child keeps what was last sent."""
        effect = Effect.NOTE if child is None else Effect.ROW
        self.out.problems.append(SourceProblem(file, line, column, message, remedy, effect, child))

    def identity(self, child: str, file: str, line: int) -> IdentityRow | None:
        """The child's identity, reporting (once per child) a child missing from the extract."""
        found = self.identities.get(child)
        if found is None and child not in self.reported:
            self.reported.add(child)
            message = "child is not in the identity extract; not sent"
            self.problem(file, line, "CHILD", message, ADD_IDENTITY, child)
        return found


def build_records(
    extract: Ssda903,
    identities: IdentityExtract,
    lookup: PostcodeLookup | None = None,
    *,
    today: date | None = None,
) -> Records:
    """Children in care and their recent missing episodes (`today` defaults to date.today()).

    `problems` lists what building found; the readers' own problems stay in their results.
    """
    build = _Build(
        identities.by_child(),
        lookup,
        extract.files.get(EPISODES, "(Episodes)"),
        extract.files.get(MISSING, "(Missing)"),
    )
    by_child = _episodes_by_child(extract.episodes)
    for child, episodes in sorted(by_child.items()):
        if any(e.dec is None for e in episodes):
            _add_child(build, child, episodes)
    since = (today or date.today()) - RECENT
    for row in extract.missing:
        _add_missing(build, row, by_child.get(row.child, []), since)
    build.out.episodes.sort(key=_missing_order)
    return build.out


def _episodes_by_child(episodes: list[EpisodeRow]) -> dict[str, list[EpisodeRow]]:
    """Each child's episodes in an order that depends on their values, not the file order."""
    by_child: defaultdict[str, list[EpisodeRow]] = defaultdict(list)
    for episode in episodes:
        by_child[episode.child].append(episode)
    for child_episodes in by_child.values():
        child_episodes.sort(key=_episode_order)
    return dict(by_child)


def _episode_order(e: EpisodeRow) -> tuple[date, bool, date, str, str, str, str, str, int]:
    return (
        e.decom,
        e.dec is None,
        e.dec or e.decom,
        e.ls,
        e.place,
        e.pl_post or "",
        e.urn or "",
        e.rne or "",
        e.line,
    )


def _add_child(build: _Build, child: str, episodes: list[EpisodeRow]) -> None:
    current = _current(build, [e for e in episodes if e.dec is None])
    identity = build.identity(child, build.episodes_file, current.line)
    if identity is None:
        return
    build.out.children.append(
        ChildInCare(
            identity=identity,
            legal_status=current.ls,
            placement_type=current.place,
            placement_authority=_placement_authority(build, identity, current),
            placed_since=_placed_since(current, episodes),
        )
    )


def _current(build: _Build, open_episodes: list[EpisodeRow]) -> EpisodeRow:
    """The open episode that started last; any other open episode is reported."""
    *earlier, current = open_episodes
    for episode in earlier:
        build.problem(
            build.episodes_file,
            episode.line,
            "DEC",
            "child has a later open episode, so this open episode is ignored",
            "fill in DEC on this episode",
        )
    return current


def _placed_since(current: EpisodeRow, episodes: list[EpisodeRow]) -> date:
    """Start of the current placement: back over abutting legal-status-only changes (RNE L)."""
    ended_on = {e.dec: e for e in episodes if e.dec is not None}
    episode = current
    for _ in episodes:
        previous = ended_on.get(episode.decom)
        if episode.rne != "L" or previous is None or previous is episode:
            break
        episode = previous
    return episode.decom


def _placement_authority(build: _Build, identity: IdentityRow, current: EpisodeRow) -> str | None:
    if identity.placement_authority is not None or build.lookup is None:
        return identity.placement_authority
    authority = build.lookup.authority_for(current.pl_post) if current.pl_post else None
    if authority is None:
        why = "is not in the postcode lookup" if current.pl_post else "is blank"
        build.problem(
            build.episodes_file,
            current.line,
            "PL_POST",
            f"PL_POST {why}, so the placement authority is unknown",
            "add its district to the lookup, or set placement_authority in the identity extract",
        )
    return authority


def _add_missing(build: _Build, row: MissingRow, episodes: list[EpisodeRow], since: date) -> None:
    if not episodes:
        if row.child not in build.reported:
            build.reported.add(row.child)
            build.problem(
                build.missing_file,
                row.line,
                "CHILD",
                "child has no episode in the Episodes table; missing episodes not sent",
                "check CHILD against the Episodes table",
                row.child,
            )
        return
    if not any(e.dec is None or e.dec >= since for e in episodes):
        return  # left care too long ago
    identity = build.identity(row.child, build.missing_file, row.line)
    if identity is not None:
        build.out.episodes.append(MissingEpisode(identity, row.kind, row.start, row.end))


def _missing_order(m: MissingEpisode) -> tuple[str, date, date, str]:
    return (m.identity.child_id, m.start, m.end or date.max, m.kind)
