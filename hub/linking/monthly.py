"""Precision and recall per month from duty teams' verdicts (``homeward hub stats``).

Counts only, never a child. For each calendar month (UTC) of a verdict:

- **automatic links**: verdicts on notifications of live automatic links (matches that never
  needed a review): confirmed and false match. Precision = confirmed / (confirmed + false).
- **reviews**: possible matches resolved that month by the child's responsible authority:
  confirmed and rejected. Precision = confirmed / (confirmed + rejected).
- **recall of automatic links** = automatic links confirmed / (those + reviews confirmed): of
  the matches people confirmed that month, the share the hub linked without asking anyone.
  It cannot count children the hub never put in front of anyone; the benchmark's recall
  (``homeward linkage evaluate``) is the only measure of those.

Duplicates say nothing about the match and are left out.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from hub.delivery.models import Notification
from hub.linking.decide import CONFIRMED, LINK, REJECTED
from hub.linking.models import Match


@dataclass(slots=True)
class Month:
    links_confirmed: int = 0
    links_false: int = 0
    reviews_confirmed: int = 0
    reviews_rejected: int = 0

    @property
    def link_precision(self) -> float | None:
        return _share(self.links_confirmed, self.links_confirmed + self.links_false)

    @property
    def review_precision(self) -> float | None:
        return _share(self.reviews_confirmed, self.reviews_confirmed + self.reviews_rejected)

    @property
    def link_recall(self) -> float | None:
        return _share(self.links_confirmed, self.links_confirmed + self.reviews_confirmed)


@dataclass(slots=True)
class MonthlyFigures:
    months: dict[str, Month] = field(default_factory=dict)  # "YYYY-MM", in order


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def tally(
    link_verdicts: Iterable[tuple[datetime, str]], resolutions: Iterable[tuple[datetime, str]]
) -> MonthlyFigures:
    """Pure: (when, verdict) on automatic links and (when, resolution) of reviews -> months."""
    months: dict[str, Month] = defaultdict(Month)
    for when, verdict in link_verdicts:
        month = months[f"{when:%Y-%m}"]
        if verdict == "confirmed":
            month.links_confirmed += 1
        elif verdict == "false_match":
            month.links_false += 1
    for when, resolution in resolutions:
        month = months[f"{when:%Y-%m}"]
        if resolution == CONFIRMED:
            month.reviews_confirmed += 1
        elif resolution == REJECTED:
            month.reviews_rejected += 1
    return MonthlyFigures(dict(sorted(months.items())))


def monthly(session: Session) -> MonthlyFigures:
    verdicts = session.exec(
        select(Notification.disposed_at, Notification.disposition)
        .join(Match, col(Match.id) == col(Notification.case_reference))
        .where(
            col(Notification.disposed_at).is_not(None),
            Match.outcome == LINK,
            col(Match.resolution).is_(None),
        )
    ).all()
    resolved = session.exec(
        select(Match.resolved_at, Match.resolution).where(col(Match.resolved_at).is_not(None))
    ).all()
    return tally(
        [(when, str(v)) for when, v in verdicts if when is not None],
        [(when, str(r)) for when, r in resolved if when is not None],
    )
