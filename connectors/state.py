"""What the connector last sent, and to which hub under which keyring.

- ``children``/``episodes``: record reference -> digest of its content (changes-only syncs);
- ``events``: live event id -> the reported episode, sealed with the council's key (so a found
  can close it), never its match keys in clear;
- ``hub_id``: the hub the records were synced to (another hub gets a full sync);
- ``keyrings``: key epoch -> keyed fingerprint of the shared secret the tokens were made with
  (a different keyring under the same epoch is refused).

The file is 0600 and replaced atomically. Every change is a locked read-modify-write
(``update_state``), so a sync and a report running at once both keep what they wrote.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from connectors.durable import locked
from connectors.errors import ConfigError
from keys.files import write_private_text


@dataclass
class SyncState:
    children: dict[str, str] = field(default_factory=dict)
    episodes: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    last_sync: str | None = None
    hub_id: str | None = None
    keyrings: dict[str, str] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)  # input table -> rows at last sync
    episode_children: dict[str, str] = field(default_factory=dict)  # episode ref -> child ref

    def total(self) -> int:
        return len(self.children) + len(self.episodes)

    def without_digests(self) -> "SyncState":
        """The same records with no remembered content: planned against, everything is sent
        again (a full sync) while records no longer present are still removed."""
        return SyncState(
            children=dict.fromkeys(self.children, ""),
            episodes=dict.fromkeys(self.episodes, ""),
            events=dict(self.events),
            last_sync=self.last_sync,
            hub_id=self.hub_id,
            keyrings=dict(self.keyrings),
        )


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
            hub_id=doc.get("hub_id"),
            keyrings=dict(doc.get("keyrings", {})),
            table_rows={str(k): int(v) for k, v in doc.get("table_rows", {}).items()},
            episode_children=dict(doc.get("episode_children", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path}: connector state file is unreadable ({exc})",
            "restore it from backup, or delete it to resend everything",
        ) from exc


def save_state(path: Path, state: SyncState) -> None:
    write_private_text(path, json.dumps(asdict(state), sort_keys=True), replace=True)


def update_state(path: Path, change: Callable[[SyncState], None]) -> SyncState:
    """Apply ``change`` to the state as it is on disk now, under the lock; returns it."""
    with locked(path):
        state = load_state(path)
        change(state)
        save_state(path, state)
        return state
