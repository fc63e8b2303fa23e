"""What the connector last sent: record reference -> digest of its content, per kind.

Written atomically after every acknowledged batch, so an interrupted sync resumes safely.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from connectors.errors import ConfigError


@dataclass
class SyncState:
    children: dict[str, str] = field(default_factory=dict)
    episodes: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)  # live event id -> wire JSON
    last_sync: str | None = None
    table_rows: dict[str, int] = field(default_factory=dict)  # input table -> rows at last sync
    episode_children: dict[str, str] = field(default_factory=dict)  # episode ref -> child ref

    def total(self) -> int:
        return len(self.children) + len(self.episodes)


def load_state(path: Path) -> SyncState:
    if not path.exists():
        return SyncState()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return SyncState(
            children=dict(doc["children"]),
            episodes=dict(doc["episodes"]),
            events=dict(doc.get("events", {})),
            last_sync=doc.get("last_sync"),
            table_rows={str(k): int(v) for k, v in doc.get("table_rows", {}).items()},
            episode_children=dict(doc.get("episode_children", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path}: connector state file is unreadable ({exc})",
            "restore it from backup, or delete it to resend everything",
        ) from exc


def save_state(path: Path, state: SyncState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(
            {
                "children": state.children,
                "episodes": state.episodes,
                "events": state.events,
                "last_sync": state.last_sync,
                "table_rows": state.table_rows,
                "episode_children": state.episode_children,
            },
            sort_keys=True,
        ),
        encoding="utf-8",
    )
    os.replace(tmp, path)
