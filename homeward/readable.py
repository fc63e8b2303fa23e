"""Notification fields as a duty worker reads them: each 903 code beside its meaning, each time
in Europe/London with its zone."""

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
MEANING = "_meaning"


def local_time(at: datetime) -> str:
    """``2026-07-24 22:30 BST``; a time without a zone is UTC."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z")


def field_lines(fields: Mapping[str, str | None], hidden: frozenset[str]) -> list[str]:
    """``name: value`` lines, sorted, a code's meaning beside it (``C2 (full care order)``)."""
    lines = []
    for name, value in sorted(fields.items()):
        if value is None or name in hidden or name.endswith(MEANING):
            continue
        meaning = fields.get(f"{name}{MEANING}")
        lines.append(f"{name}: {value} ({meaning})" if meaning else f"{name}: {value}")
    return lines
