"""What the state file is bound to: the shared keyring its tokens were made with, and the hub
its records were sent to. Pure decisions over the state; the Connector applies them.

- A keyring whose fingerprint for an epoch differs from the one remembered is refused: its
  tokens would match nothing sent before (a silent full re-upload under a wrong secret).
- A hub with another id than the one last synced with (a new or rebuilt hub), or holding fewer
  of this council's children than were sent to it (restored from an older backup), gets a full
  sync instead of "0 records sent".
"""

from collections.abc import Callable

from connectors.config import ConnectorConfig
from connectors.errors import KeyringMismatch
from connectors.state import SyncState
from keys import SharedKeyring


def check_keyring(state: SyncState, keyring: SharedKeyring, config: ConnectorConfig) -> None:
    for epoch in keyring.epochs:
        known = state.keyrings.get(str(epoch))
        if known is not None and known != keyring.fingerprint(epoch):
            raise KeyringMismatch(
                f"{config.path}: shared_keyring: key epoch {epoch} of {config.shared_keyring} "
                f"is not the secret this connector sent with before; nothing was sent"
            )


def bind_keyring(keyring: SharedKeyring) -> Callable[[SyncState], None]:
    """A state change remembering the fingerprint of every epoch not remembered yet."""

    def bind(state: SyncState) -> None:
        for epoch in keyring.epochs:
            state.keyrings.setdefault(str(epoch), keyring.fingerprint(epoch))

    return bind


def full_sync_reason(
    state: SyncState, hub_id: str, hub_children: int | None, *, forced: bool
) -> str | None:
    """Why everything must be sent again (None: changes only). ``hub_children`` is how many of
    this council's children the hub holds (None: not asked)."""
    if forced:
        return "full sync requested (--full)"
    if state.total() == 0:
        return None  # a first sync sends everything anyway
    if state.hub_id is None:
        return "the state file does not say which hub it was synced with"
    if state.hub_id != hub_id:
        return f"this hub (id {hub_id[:12]}) is not the one last synced with ({state.hub_id[:12]})"
    if hub_children is not None and hub_children < len(state.children):
        return (
            f"the hub holds {hub_children} of the {len(state.children)} children sent to it "
            "(restored from a backup?)"
        )
    return None
