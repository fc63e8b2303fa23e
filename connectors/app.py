"""The connector as an application: one ``Connector`` built from its config, keys, hub client
and clock, with a method for each thing a council does (``sync``, ``report``, ``inbox``).

Methods return typed results and print nothing: the CLI prints them, and the demo and the
tests drive the same object. The steps themselves are in pipeline.py.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import httpx2 as httpx

from connectors import pipeline
from connectors.clock import Clock, utc_now
from connectors.config import ConnectorConfig
from connectors.errors import ConfigError
from connectors.oauth import ClientCredentials, Credentials, StaticBearer
from connectors.pipeline import InboxItem, Progress, SyncPlan
from connectors.pseudonymise import Pseudonymiser
from connectors.sources import IdentityRow, SourceProblem, read_identity
from connectors.state import SyncState, load_state, save_state
from connectors.upload import HubClient
from hub import wire
from keys import (
    CouncilKey,
    KeyFileError,
    SharedKeyring,
    read_client_key,
    read_council_key,
    read_shared_keyring,
)

EventKind = Literal["M", "A"]
FOUND_NEEDS_EVENT_ID = "--found needs the --event-id of an event reported from here"
DESCRIBE_THE_CHILD = (
    "describe the child: --child ID from your identity extract, or --forename, --surname and "
    "--dob (plus any of --sex, --nhs-number, --upn, --postcode)"
)


@dataclass(frozen=True)
class ConnectorKeys:
    """The scheme's shared keyring (match keys) and this council's own key (sealed ids)."""

    shared: SharedKeyring
    council: CouncilKey

    @classmethod
    def read(cls, config: ConnectorConfig) -> ConnectorKeys:
        try:
            return cls(
                read_shared_keyring(config.shared_keyring), read_council_key(config.council_key)
            )
        except KeyFileError as exc:
            raise ConfigError(str(exc)) from exc


def credentials_of(config: ConnectorConfig, clock: Clock = utc_now) -> Credentials:
    """The OAuth2 client (``client_id`` + ``client_key_file``), else the legacy credential."""
    if config.client_id and config.client_key_file:
        try:
            key = read_client_key(config.client_key_file)
        except KeyFileError as exc:
            raise ConfigError(str(exc)) from exc
        return ClientCredentials(config.client_id, key, scope=config.scope, clock=clock)
    if config.credential is None:
        raise ConfigError(f"{config.path}: no client_id/client_key_file and no credential")
    return StaticBearer(config.credential)


@dataclass(frozen=True)
class PlannedSync:
    """What a sync would send, planned against the state file; nothing is sent yet."""

    authority: str
    children_in_care: int
    recent_episodes: int
    plan: SyncPlan
    state: SyncState = field(repr=False)

    @property
    def problems(self) -> list[SourceProblem]:
        """Input rows rejected (with file, line and column); the rest are planned."""
        return self.plan.problems


@dataclass(frozen=True)
class SyncResult:
    planned: PlannedSync
    sent: int  # records the hub acknowledged; 0 on a dry run
    dry_run: bool = False

    @property
    def rows_rejected(self) -> int:
        return len(self.planned.problems)


@dataclass(frozen=True, kw_only=True)
class Person:
    """A child the reporter does not hold in its identity extract, as far as it knows them.
    Turned into match keys here: nothing of it is sent in clear."""

    forename: str
    surname: str
    dob: date
    known_as: str | None = None
    former_surname: str | None = None
    sex: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    postcode: str | None = None

    def identity(self, event_id: str) -> IdentityRow:
        return IdentityRow(
            child_id=event_id,
            forename=self.forename,
            known_as=self.known_as,
            surname=self.surname,
            former_surname=self.former_surname,
            dob=self.dob,
            sex=self.sex,
            nhs_number=self.nhs_number,
            upn=self.upn,
            postcode=self.postcode,
        )


@dataclass(frozen=True)
class ReportResult:
    event_id: str
    episode: wire.EpisodeRecord
    receipt: wire.BatchReceipt
    found: bool = False

    @property
    def what(self) -> str:
        return wire.event_of(self.episode.kind, ended=self.found)


class Connector:
    """One council's connector. ``client`` is its only I/O to the hub; ``clock`` is read for
    "now" (default report time, the date that makes an episode recent, the last sync)."""

    def __init__(
        self,
        config: ConnectorConfig,
        keys: ConnectorKeys,
        client: HubClient,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.config, self.keys, self.client = config, keys, client
        self._clock = clock
        self._pseudonymiser = Pseudonymiser(keys.shared, keys.council)

    @classmethod
    def from_config(
        cls,
        config: ConnectorConfig,
        http: httpx.Client,
        *,
        clock: Clock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Connector:
        """Read the key files named in ``config``; talk to the hub through ``http``."""
        client = HubClient(
            http, credentials_of(config, clock), retries=config.retries, sleep=sleep, clock=clock
        )
        return cls(config, ConnectorKeys.read(config), client, clock=clock)

    def plan(self) -> PlannedSync:
        """Read the sources and plan what changed since the last sync (removals included)."""
        records = pipeline.read_sources(self.config, today=self._today())
        state = load_state(self.config.state_file)
        plan = pipeline.plan_sync(records, self._pseudonymiser, state)
        return PlannedSync(
            self.config.authority, len(records.children), len(records.episodes), plan, state
        )

    def sync(
        self,
        planned: PlannedSync | None = None,
        *,
        dry_run: bool = False,
        allow_mass_removal: bool = False,
        progress: Progress | None = None,
    ) -> SyncResult:
        """Send ``planned`` (by default, a fresh plan) in batches; raises MassRemovalRefused,
        even on a dry run, when it would remove too many of the records last sent. A plan is
        sent once: plan again for the next sync."""
        planned = planned or self.plan()
        config = self.config
        pipeline.check_removals(
            planned.plan, planned.state, config.max_removal_share, allow_mass_removal
        )
        if dry_run:
            return SyncResult(planned, sent=0, dry_run=True)
        sent = pipeline.run_sync(
            planned.plan, self.client, planned.state, config, progress, clock=self._clock
        )
        return SyncResult(planned, sent)

    def report(
        self,
        *,
        event_id: str | None = None,
        kind: EventKind = "M",
        at: datetime | None = None,
        child: str | None = None,
        person: Person | None = None,
    ) -> ReportResult:
        """Push one urgent missing (M) or away (A) event now. The child is ``child``, an id
        from the identity extract, or else ``person``; ``at`` defaults to now, and a naive time
        is local time."""
        state = load_state(self.config.state_file)
        event_id = event_id or uuid.uuid4().hex[:12]
        identity, own_child = self._identify(event_id, child, person)
        if identity is None:
            raise ConfigError(DESCRIBE_THE_CHILD)
        episode = self._pseudonymiser.live_event(
            event_id=event_id,
            kind=kind,
            started_at=self._local(at),
            ended_at=None,
            identity=identity,
            own_child_id=own_child,
        )
        return self._send_event(state, event_id, episode, found=False)

    def report_found(self, event_id: str, *, at: datetime | None = None) -> ReportResult:
        """Close an event reported earlier from this connector: the child was found at ``at``."""
        state = load_state(self.config.state_file)
        if event_id not in state.events:
            raise ConfigError(FOUND_NEEDS_EVENT_ID)
        when = self._local(at)
        earlier = wire.EpisodeRecord.model_validate_json(state.events[event_id])
        episode = earlier.model_copy(update={"end": when.date(), "ended_at": when})
        return self._send_event(state, event_id, episode, found=True)

    def inbox(self, *, include_acknowledged: bool = False) -> list[InboxItem]:
        """Notifications for this council, its own child ids unsealed locally. Nothing is
        acknowledged: call ``acknowledge`` once they have been delivered."""
        return pipeline.fetch_inbox(self.client, self.keys.council, include_acknowledged)

    def acknowledge(self, items: Sequence[InboxItem]) -> int:
        """Acknowledge ``items`` (those not acknowledged before); returns how many were."""
        return self.client.acknowledge(
            [i.notification.id for i in items if i.notification.acknowledged_at is None]
        )

    def _identify(
        self, event_id: str, child: str | None, person: Person | None
    ) -> tuple[IdentityRow | None, str | None]:
        """The identity to describe the child by, and the child's id when this council looks
        after them (the event is then joined by reference alone)."""
        if not child:
            return (person.identity(event_id) if person else None), None
        records = pipeline.read_sources(self.config, today=self._today())
        in_care = {c.identity.child_id: c.identity for c in records.children}
        if child in in_care:
            return in_care[child], child
        return read_identity(self.config.identities).by_child().get(child), None

    def _send_event(
        self, state: SyncState, event_id: str, episode: wire.EpisodeRecord, *, found: bool
    ) -> ReportResult:
        receipt = self.client.send_event(episode)
        state.events[event_id] = episode.model_dump_json()
        save_state(self.config.state_file, state)
        return ReportResult(event_id, episode, receipt, found)

    def _local(self, at: datetime | None) -> datetime:
        return (at or self._clock()).astimezone()  # naive times are local time

    def _today(self) -> date:
        return self._clock().astimezone().date()
