"""The connector as an application: one ``Connector`` built from its config, keys, hub client
and clock, with a method for each thing a council does (``sync``, ``report``, ``inbox``).

Methods return typed results and print nothing: the CLI prints them, and the demo and the
tests drive the same object. The steps themselves are in pipeline.py.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal, TypeVar

import httpx2 as httpx

from connectors import pipeline
from connectors.binding import bind_keyring, check_keyring, full_sync_reason
from connectors.clock import Clock, utc_now
from connectors.config import ConnectorConfig
from connectors.durable import locked
from connectors.errors import ConfigError, ExtractUnusable, QuotaExceeded
from connectors.oauth import ClientCredentials, Credentials, StaticBearer
from connectors.outbox import FlushResult, Outbox, QueuedReport
from connectors.pipeline import InboxItem, Progress, SyncPlan
from connectors.pseudonymise import Pseudonymiser
from connectors.records import Records
from connectors.sources import IdentityRow, SourceProblem, read_identity
from connectors.state import SyncState, load_state, update_state
from connectors.upload import HubClient
from hub import wire
from keys import (
    CouncilKey,
    KeyFileError,
    SealedIdError,
    SharedKeyring,
    read_client_key,
    read_council_key,
    read_shared_keyring,
)

EventKind = Literal["M", "A"]
K = TypeVar("K")
EVENT_PURPOSE = "event"  # what an event kept in the state file is sealed for
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
        shared = _key_file(config, "shared_keyring", read_shared_keyring, "keys new-shared")
        council = _key_file(config, "council_key", read_council_key, "keys new-council")
        if council.authority != config.authority:
            raise ConfigError(
                f"{config.path}: council_key: {config.council_key} is the key of "
                f"{council.authority}, not of authority {config.authority}",
                "point council_key at this council's own key file",
            )
        return cls(shared, council)


def _key_file(config: ConnectorConfig, setting: str, read: Callable[[Path], K], maker: str) -> K:
    path: Path = getattr(config, setting)
    try:
        return read(path)
    except (KeyFileError, ValueError) as exc:
        raise ConfigError(
            f"{config.path}: {setting}: {exc}",
            f"point {setting} at the key file made by `homeward {maker}`, readable by this user",
        ) from exc


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
    hub_id: str = ""
    full_reason: str | None = None  # why everything is sent again; None: changes only

    @property
    def problems(self) -> list[SourceProblem]:
        """Input rows rejected (with file, line and column); the rest are planned."""
        return self.plan.problems


@dataclass(frozen=True)
class SyncResult:
    planned: PlannedSync
    sent: int  # records the hub acknowledged; 0 on a dry run
    dry_run: bool = False
    outbox: FlushResult | None = None  # urgent reports sent (or still queued) first
    warnings: tuple[str, ...] = ()  # the hub's, e.g. an epoch no other council uses

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
    receipt: wire.BatchReceipt | None  # None: queued in the outbox, not at the hub yet
    found: bool = False
    outbox: FlushResult = field(default_factory=FlushResult)

    @property
    def what(self) -> str:
        return wire.event_of(self.episode.kind, ended=self.found)

    @property
    def queued(self) -> bool:
        return self.receipt is None


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

    def plan(self, *, full: bool = False) -> PlannedSync:
        """Read the sources and plan what changed since the last sync (removals included);
        everything when ``full``, or when the hub is not the one last synced with."""
        state = load_state(self.config.state_file)
        check_keyring(state, self.keys.shared, self.config)
        records = pipeline.read_sources(self.config, today=self._today())
        hub_id = self.client.hub_id()
        held = self.client.summary().children if state.children else None
        reason = full_sync_reason(state, hub_id, held, forced=full)
        basis = state.without_digests() if reason else state
        plan = pipeline.plan_sync(records, self._pseudonymiser, basis)
        return PlannedSync(
            self.config.authority,
            len(records.children),
            len(records.episodes),
            plan,
            state,
            hub_id,
            reason,
        )

    def sync(
        self,
        planned: PlannedSync | None = None,
        *,
        dry_run: bool = False,
        allow_mass_removal: bool = False,
        progress: Progress | None = None,
    ) -> SyncResult:
        """Send the outbox's queued reports, then ``planned`` (by default, a fresh plan) in
        batches. Raises, even on a dry run, MassRemovalRefused when it would remove more than
        ``max_removal_share`` of the records last sent, and RowCountDropRefused when an input
        table has lost more than ``max_table_drop`` of its rows since the last sync. A plan is
        sent once: plan again for the next sync."""
        planned = planned or self.plan()
        config = self.config
        pipeline.check_removals(
            planned.plan, planned.state, config.max_removal_share, allow_mass_removal
        )
        pipeline.check_row_counts(
            planned.plan, planned.state, config.max_table_drop, allow_mass_removal
        )
        if dry_run:
            return SyncResult(planned, sent=0, dry_run=True)
        flushed = self.flush()
        if flushed.stopped_by is not None and not isinstance(flushed.stopped_by, QuotaExceeded):
            raise flushed.stopped_by
        update_state(config.state_file, bind_keyring(self.keys.shared))
        warnings: list[str] = []
        sent = pipeline.run_sync(planned.plan, self.client, config, progress, warnings)
        update_state(config.state_file, self._synced_with(planned.hub_id, planned.plan.table_rows))
        return SyncResult(planned, sent, outbox=flushed, warnings=tuple(warnings))

    def _synced_with(
        self, hub_id: str, table_rows: Mapping[str, int]
    ) -> Callable[[SyncState], None]:
        def synced(state: SyncState) -> None:
            state.last_sync = self._clock().isoformat(timespec="seconds")
            state.hub_id = hub_id
            state.table_rows = dict(table_rows)

        return synced

    def flush(self) -> FlushResult:
        """Send the urgent reports queued in the outbox, oldest first."""
        return self._outbox().flush(self.client)

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
        is local time. Queued in the outbox first: a hub that cannot take it now gets it from
        the next report, sync or flush (``ReportResult.queued``)."""
        check_keyring(load_state(self.config.state_file), self.keys.shared, self.config)
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
        return self._send_event(QueuedReport(event_id, episode))

    def report_found(self, event_id: str, *, at: datetime | None = None) -> ReportResult:
        """Close an event reported earlier from this connector: the child was found at ``at``."""
        state = load_state(self.config.state_file)
        check_keyring(state, self.keys.shared, self.config)
        if event_id not in state.events:
            raise ConfigError(FOUND_NEEDS_EVENT_ID)
        when = self._local(at)
        earlier = self._open_event(state.events[event_id])
        episode = earlier.model_copy(update={"end": when.date(), "ended_at": when})
        return self._send_event(QueuedReport(event_id, episode, found=True))

    def inbox(self, *, include_acknowledged: bool = False, wait: int = 0) -> list[InboxItem]:
        """Notifications for this council, its own child ids unsealed locally; none acknowledged
        (``acknowledge`` once delivered). ``wait``: long-poll up to so many seconds (<= 30)."""
        return pipeline.fetch_inbox(self.client, self.keys.council, include_acknowledged, wait)

    def acknowledge(self, items: Sequence[InboxItem]) -> int:
        """Acknowledge ``items`` (those not acknowledged before); returns how many were."""
        return self.client.acknowledge(
            [i.notification.id for i in items if i.notification.acknowledged_at is None]
        )

    def dispose(self, notification_id: str, verdict: wire.Disposition) -> wire.DispositionReceipt:
        """Your verdict; on a possible match: confirmed links it, false_match closes it."""
        return self.client.dispose(notification_id, verdict)

    def record_interview(
        self, reference: str, *, at: datetime | None = None
    ) -> wire.ReturnInterviewReceipt:
        """The return interview, by event id or case reference: stops the 72-hour reminder."""
        ref = pipeline.interview_reference(self.keys.council, reference)
        return self.client.record_interview(ref, self._local(at))

    def _identify(
        self, event_id: str, child: str | None, person: Person | None
    ) -> tuple[IdentityRow | None, str | None]:
        """The identity to describe the child by, and the child's id when this council looks
        after them (the event is then joined by reference alone)."""
        if not child:
            return (person.identity(event_id) if person else None), None
        try:  # an urgent report is not held up by an extract the nightly sync would refuse
            records = pipeline.read_sources(self.config, today=self._today())
        except ExtractUnusable:
            records = Records()
        in_care = {c.identity.child_id: c.identity for c in records.children}
        if child in in_care:
            return in_care[child], child
        return read_identity(self.config.identities).by_child().get(child), None

    def _send_event(self, report: QueuedReport) -> ReportResult:
        """Queue ``report`` with its event kept for a later found, then flush the outbox."""
        outbox = self._outbox()
        sealed = self.keys.council.seal_local(report.episode.model_dump_json(), EVENT_PURPOSE)

        def keep(state: SyncState) -> None:
            bind_keyring(self.keys.shared)(state)
            state.events[report.event_id] = sealed

        with locked(self.config.state_file):
            outbox.add(report)
        update_state(self.config.state_file, keep)
        flushed = outbox.flush(self.client)
        return ReportResult(
            report.event_id, report.episode, _receipt_of(report, flushed), report.found, flushed
        )

    def _open_event(self, kept: str) -> wire.EpisodeRecord:
        """An event kept in the state file: sealed, or plain JSON from before sealing."""
        try:
            plain = (
                kept if kept.startswith("{") else self.keys.council.open_local(kept, EVENT_PURPOSE)
            )
            return wire.EpisodeRecord.model_validate_json(plain)
        except (SealedIdError, ValueError) as exc:
            raise ConfigError(
                f"{self.config.state_file}: the event kept for --found cannot be read ({exc})",
                "check council_key is the key this connector has always used",
            ) from exc

    def _outbox(self) -> Outbox:
        return Outbox(self.config.state_file, self.keys.council)

    def _local(self, at: datetime | None) -> datetime:
        return (at or self._clock()).astimezone()  # naive times are local time

    def _today(self) -> date:
        return self._clock().astimezone().date()


def _receipt_of(report: QueuedReport, flushed: FlushResult) -> wire.BatchReceipt | None:
    """The hub's receipt for ``report``; raises the hub's refusal of it; None while queued."""
    for sent in flushed.sent:
        if sent.report.entry == report.entry:
            return sent.receipt
    for refused, error in flushed.refused:
        if refused.entry == report.entry:
            raise error
    return None
