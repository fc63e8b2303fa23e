"""Identifier neighbourhood tokens (docs/matchkeys.md §8.5): "the same identifier with one typo".

An identifier key agrees only when the whole identifier does. For an identifier without a check
digit (a typo leaves it valid-looking), the connector also sends keyed tokens of its
neighbourhood, so the hub can tell an identifier one typo away (*near*) from another one:

- ``D``: for each position, the identifier with that position removed, labelled with the
  position. Two identifiers share one exactly when they have the same length and differ in at
  most that position (one substitution).
- ``T``: for each pair of neighbouring positions, the identifier with those two characters in
  sorted order, labelled with the position. Two identifiers share one exactly when they are
  equal but for those two characters swapped (one adjacent transposition).

Each string is HMAC'd under the subkey of ``NEAR_TYPE`` (the hub re-keys them like every
token). The hub learns which records' identifiers are equal or one typo apart, nothing else.

NHS numbers and UPNs carry a check digit or letter: one substituted or transposed character
makes the number invalid (the connector drops it), so two valid ones are never one typo apart,
and the connector sends no neighbourhood for them.
"""

from collections.abc import Callable, Iterable

from keys import MatchKeyDeriver

NEAR_TYPE = "id_near"  # subkey name and the hub's key type for neighbourhood tokens
MAX_NEAR = 32  # per record, on the wire


def near_strings(kind: str, identifier: str) -> list[str]:
    """The ``D`` and ``T`` neighbourhood of one identifier, labelled with its kind."""
    out = [f"{kind}|D{i}|{identifier[:i]}{identifier[i + 1 :]}" for i in range(len(identifier))]
    for i in range(len(identifier) - 1):
        low, high = sorted(identifier[i : i + 2])
        out.append(f"{kind}|T{i}|{identifier[:i]}{low}{high}{identifier[i + 2 :]}")
    return out


def near(a: str, b: str) -> bool:
    """Whether two different identifiers are one substitution or adjacent swap apart (what
    sharing a neighbourhood token means; the hub sees only the tokens)."""
    return a != b and bool(set(near_strings("", a)) & set(near_strings("", b)))


class NearTokens:
    """Identifiers -> hex neighbourhood tokens under one epoch: those of the first ``MAX_NEAR``
    strings (a first identifier keeps its whole neighbourhood), sorted, so that their order on
    the wire says nothing about which position each stands for."""

    def __init__(self, deriver: MatchKeyDeriver) -> None:
        self._mac: Callable[[str], str] = deriver.token_function(NEAR_TYPE)

    def __call__(self, identifiers: Iterable[tuple[str, str | None]]) -> tuple[str, ...]:
        """``identifiers``: (kind, normalised identifier or None) pairs."""
        found = [s for kind, value in identifiers if value for s in near_strings(kind, value)]
        return tuple(sorted(set(map(self._mac, found[:MAX_NEAR]))))
