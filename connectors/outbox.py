"""The outbox: urgent reports written to disk before they are sent, so none is lost when the
hub cannot be reached, and sent in the order they were made (a found after its missing).

Each report is sealed with the council's own key (the file holds no match key in clear), the
file is 0600 and replaced atomically (connectors/durable.py), and its changes take the state
file's lock. ``flush`` sends the queue oldest first while holding the outbox's own lock, so
two processes never send it side by side (a resent missing could overtake its found).
A report leaves the queue once the hub accepts it; resending one is safe (the hub upserts the
episode by its reference and notifies each recipient of each event once).
"""

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from connectors.durable import locked
from connectors.errors import (
    ConfigError,
    ConnectorError,
    CredentialRefused,
    HubUnavailable,
    QuotaExceeded,
    RequestRefused,
)
from connectors.upload import HubClient
from hub import wire
from keys import CouncilKey, SealedIdError
from keys.files import write_private_text

PURPOSE = "outbox"
# Failures after which a report stays queued (the next run sends it); any other refusal means
# the hub will never take it as it is, so it moves to the outbox's "refused" list.
KEPT_ON = (HubUnavailable, CredentialRefused, QuotaExceeded)


def outbox_file(state_file: Path) -> Path:
    """The outbox beside the state file: ``state.json`` -> ``state.outbox.json``."""
    return state_file.with_name(f"{state_file.stem}.outbox.json")


@dataclass(frozen=True)
class QueuedReport:
    event_id: str
    episode: wire.EpisodeRecord
    found: bool = False
    entry: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def what(self) -> str:
        return wire.event_of(self.episode.kind, ended=self.found)


@dataclass(frozen=True)
class Sent:
    report: QueuedReport
    receipt: wire.BatchReceipt


@dataclass
class FlushResult:
    sent: list[Sent] = field(default_factory=list)
    refused: list[tuple[QueuedReport, RequestRefused]] = field(default_factory=list)
    queued: list[QueuedReport] = field(default_factory=list)  # still waiting, oldest first
    stopped_by: ConnectorError | None = None  # why the rest is still queued


class Outbox:
    def __init__(self, state_file: Path, council: CouncilKey) -> None:
        self.state_file = state_file
        self.path = outbox_file(state_file)
        self._council = council

    def queued(self) -> list[QueuedReport]:
        return [self._open(sealed) for sealed in self._read()["queued"]]

    def add(self, report: QueuedReport) -> None:
        """Queue ``report`` durably (call under the state file's lock, see ``locked``)."""
        document = self._read()
        document["queued"].append(self._seal(report))
        self._write(document)

    def flush(self, client: HubClient) -> FlushResult:
        """Send the queue oldest first, until it is empty or the hub stops taking reports."""
        result = FlushResult()
        with locked(self.path):
            for report in self.queued():
                try:
                    receipt = client.send_event(report.episode)
                except KEPT_ON as exc:
                    result.stopped_by = exc
                    break
                except RequestRefused as exc:
                    result.refused.append((report, exc))
                    self._settle(report, refused=True)
                    continue
                result.sent.append(Sent(report, receipt))
                self._settle(report, refused=False)
        result.queued = self.queued()
        return result

    def _settle(self, report: QueuedReport, *, refused: bool) -> None:
        with locked(self.state_file):
            document = self._read()
            kept = [s for s in document["queued"] if self._open(s).entry != report.entry]
            if refused:
                document["refused"].append(self._seal(report))
            self._write({**document, "queued": kept})

    def _read(self) -> dict[str, list[str]]:
        if not self.path.exists():
            return {"queued": [], "refused": []}
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            return {"queued": list(document["queued"]), "refused": list(document["refused"])}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{self.path}: the outbox of urgent reports is unreadable ({exc})",
                "restore it from backup; reports in it may not have reached the hub",
            ) from exc

    def _write(self, document: dict[str, list[str]]) -> None:
        write_private_text(self.path, json.dumps(document, indent=1), replace=True)

    def _seal(self, report: QueuedReport) -> str:
        plain = {
            "entry": report.entry,
            "event_id": report.event_id,
            "found": report.found,
            "episode": report.episode.model_dump(mode="json"),
        }
        return self._council.seal_local(json.dumps(plain), PURPOSE)

    def _open(self, sealed: str) -> QueuedReport:
        try:
            plain = json.loads(self._council.open_local(sealed, PURPOSE))
            return QueuedReport(
                event_id=str(plain["event_id"]),
                episode=wire.EpisodeRecord.model_validate(plain["episode"]),
                found=bool(plain["found"]),
                entry=str(plain["entry"]),
            )
        except (SealedIdError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{self.path}: a queued report cannot be opened with this council's key ({exc})",
                "check council_key is the key this connector has always used",
            ) from exc
