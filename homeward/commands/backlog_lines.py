"""One line per delivery target, the same columns for `hub webhook list` and `hub alert list`:
id, authority, active or removed, pending and dead deliveries, where it goes, the last error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Target(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def authority(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def pending(self) -> int: ...
    @property
    def dead(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...


def line(target: Target, destination: str) -> str:
    state = "active" if target.active else "removed"
    error = f"\tlast error: {target.last_error}" if target.last_error else ""
    counts = f"pending {target.pending}\tdead {target.dead}"
    return f"{target.id}\t{target.authority}\t{state}\t{counts}\t{destination}{error}"


def print_lines(targets: Iterable[tuple[Target, str]]) -> None:
    for target, destination in targets:
        print(line(target, destination))
