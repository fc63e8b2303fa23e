"""`homeward hub stats`: the linkage figures (counts of matches, reviews and recipients'
verdicts, and precision and recall per month from those verdicts; never a child)."""

from __future__ import annotations

import argparse

from homeward.commands.hub_settings import add_settings_arguments, hub_context
from hub import operator
from hub.delivery.dispositions import LinkageFigures
from hub.linking.monthly import MonthlyFigures


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = actions.add_parser(
        "stats",
        help="counts of links, reviews and dispositions (confirmed, false match, duplicate) "
        "per outcome, and precision and recall per month from dispositions; no child-level data",
    )
    add_settings_arguments(stats)
    stats.set_defaults(handler=print_stats)


def print_stats(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        print("\n".join(stats_lines(operator.linkage_figures(context))))
        print("\n".join(monthly_lines(operator.monthly_figures(context))))
    return 0


def stats_lines(figures: LinkageFigures) -> list[str]:
    def line(title: str, counts: dict[str, int]) -> str:
        shown = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
        return f"{title}: {shown or 'none'}"

    return [
        line("live matches", figures.matches),
        line("reviews", figures.reviews),
        f"withdrawn matches: {figures.withdrawn}",
        line("dispositions", figures.dispositions),
    ]


def monthly_lines(figures: MonthlyFigures) -> list[str]:
    """One line per month with verdicts: automatic-link precision, review precision, and the
    share of confirmed matches linked automatically (hub.linking.monthly)."""

    def shown(value: float | None, part: int, whole: int) -> str:
        return "n/a" if value is None else f"{value:.3f} ({part}/{whole})"

    lines = ["per month (verdicts of duty teams):" if figures.months else "per month: none"]
    for month, m in figures.months.items():
        links, reviews = m.links_confirmed, m.reviews_confirmed
        lines.append(
            f"  {month}: link precision "
            f"{shown(m.link_precision, links, links + m.links_false)}, "
            f"review precision {shown(m.review_precision, reviews, reviews + m.reviews_rejected)}, "
            f"linked automatically {shown(m.link_recall, links, links + reviews)}"
        )
    return lines
