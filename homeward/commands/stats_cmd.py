"""`homeward hub stats`: the linkage figures (counts of matches, reviews and recipients'
verdicts; never a child)."""

from __future__ import annotations

import argparse

from homeward.commands.hub_settings import add_settings_arguments, hub_context
from hub import operator
from hub.delivery.dispositions import LinkageFigures


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = actions.add_parser(
        "stats",
        help="counts of links, reviews and dispositions (confirmed, false match, duplicate) "
        "per outcome; no child-level data",
    )
    add_settings_arguments(stats)
    stats.set_defaults(handler=print_stats)


def print_stats(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        print("\n".join(stats_lines(operator.linkage_figures(context))))
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
