"""Weighted choices for the synthetic generators: one ``rng.random()`` call per draw.

``Choice`` draws exactly as ``rng.choices(values, cum_weights=...)[0]`` does (same call, same
arithmetic), but without building a list per draw; tables are written ``"A 3, B 1.5"``.
"""

import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")
Weighted = tuple[tuple[str, float], ...]


def parse_weights(spec: str) -> Weighted:
    """``"A 3, B 1.5"`` -> ``(("A", 3.0), ("B", 1.5))``; names may contain spaces."""
    rows: list[tuple[str, float]] = []
    for item in spec.split(","):
        name, weight = item.strip().rsplit(" ", 1)
        rows.append((name, float(weight)))
    return tuple(rows)


class Choice(Generic[T]):
    """Weighted choice of one value."""

    __slots__ = ("_cum", "_hi", "_total", "values")

    def __init__(self, table: Iterable[tuple[T, float]]) -> None:
        pairs = list(table)
        if not pairs:
            raise ValueError("a choice needs at least one value")
        self.values = [value for value, _ in pairs]
        self._cum = list(accumulate(weight for _, weight in pairs))
        self._total = self._cum[-1] + 0.0
        self._hi = len(self._cum) - 1

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self._cum, rng.random() * self._total, 0, self._hi)]


def codes(spec: str) -> Choice[str]:
    """A choice over a ``"A 3, B 1.5"`` table."""
    return Choice(parse_weights(spec))


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One item, uniformly, from one ``rng.random()`` call."""
    return items[int(rng.random() * len(items))]
