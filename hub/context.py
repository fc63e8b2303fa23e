"""What every request and command needs: settings, database, services, clock."""

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx2 as httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hub.audit.checkpoints import CheckpointIssuer
from hub.db import engine as db
from hub.db.migrate import require_current
from hub.db.statistics import StatisticsKeeper
from hub.delivery.mail import Mailer
from hub.delivery.schedule import LastSeen
from hub.delivery.webhooks import Sender, seal_clear_secrets
from hub.errors import ConfigurationError
from hub.identity.setup import build_authenticator
from hub.identity.tokens import AccessTokenSigner, TokenRules
from hub.services import HubServices, build_services
from hub.settings import HubSettings
from keys import HubKeyring, KeyFileError, SigningKeyring, read_hub_key, read_signing_keys
from keys.notes import ensure_checkpoint_key
from keys.webhooks import ed25519_private_bytes, public_key_text
from policies import PolicySet, load_policies

Clock = Callable[[], datetime]
Random = Callable[[], float]  # uniform in [0, 1): the jitter of webhook retries


def utc_now() -> datetime:
    return datetime.now(UTC)


class HubContext:
    """What every request needs: settings, database, services, clock, and what the worker
    needs to send webhooks (``sender``). ``kick_worker`` runs after each request commits, with
    the ids of the items it queued: it wakes the worker thread, or drains the outbox inline
    (set by ``hub.worker.attach``)."""

    def __init__(
        self,
        settings: HubSettings,
        engine: Engine,
        services: HubServices,
        clock: Clock,
        sender: Sender,
        mailer: Mailer,
    ) -> None:
        self.settings, self.engine, self.services, self.clock = settings, engine, services, clock
        self.sender, self.mailer = sender, mailer
        self.last_purge: datetime | None = None  # the worker's last retention purge
        self.reminders_seen = LastSeen()  # the last return-interview reminders run read back
        self.statistics = StatisticsKeeper(engine)  # the worker's planner statistics upkeep
        self.kick_worker: Callable[[Sequence[int]], None] = lambda _queued: None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with db.transaction(self.engine) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads (hub.db.engine.reading)."""
        with db.reading(self.engine) as session:
            yield session


def build_context(
    settings: HubSettings,
    *,
    clock: Clock = utc_now,
    policies: PolicySet | None = None,
    jitter: Random = random.random,
    webhook_http: httpx.Client | None = None,
) -> HubContext:
    """Keys, policies and a database whose schema is current; else a clear remedy."""
    hub_keys, signer, signing = _read_keys(settings)
    engine = db.make_engine(settings.database_url)
    try:
        require_current(engine)
    except ConfigurationError:
        engine.dispose()
        raise
    chosen = policies if policies is not None else load_policies(settings.policies_dir)
    services = build_services(
        chosen,
        hub_keys,
        authenticator=build_authenticator(settings, signer, hub_keys, clock),
        tokens=signer,
        checkpoints=_checkpoint_issuer(settings),
        max_keyed_reports_per_day=settings.max_keyed_reports_per_day,
        digest_at=settings.digest_time,
    )
    with db.transaction(engine) as session:
        seal_clear_secrets(session, hub_keys)
    sender = Sender(
        http=webhook_http
        or httpx.Client(follow_redirects=False, timeout=settings.webhook_timeout_seconds),
        ed25519_key=webhook_key(signing),
        public_key=public_key_text(signing.newest) if webhook_key(signing) else None,
        random=jitter,
        keyring=hub_keys,
        allow_private=settings.webhook_allow_private_targets,
    )
    return HubContext(settings, engine, services, clock, sender, mailer_of(settings, jitter))


def mailer_of(settings: HubSettings, jitter: Random) -> Mailer:
    password = settings.smtp_password
    return Mailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        starttls=settings.smtp_starttls,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=password.get_secret_value() if password is not None else None,
        timeout=settings.smtp_timeout_seconds,
        random=jitter,
    )


def webhook_key(signing: SigningKeyring) -> bytes | None:
    """The v1a key: the newest signing key, if it is Ed25519 (the default)."""
    newest = signing.newest
    return ed25519_private_bytes(newest) if newest.get("alg") == "Ed25519" else None


def _read_keys(settings: HubSettings) -> tuple[HubKeyring, AccessTokenSigner, SigningKeyring]:
    """The hub keyring and the access-token signer; else the remedy."""
    try:
        hub_keys = read_hub_key(settings.key_file)
        signing = read_signing_keys(settings.signing_keys_path)
    except KeyFileError as exc:
        raise ConfigurationError(f"{exc}; run `homeward hub init` first") from exc
    return hub_keys, AccessTokenSigner(signing, TokenRules.of(settings)), signing


def _checkpoint_issuer(settings: HubSettings) -> CheckpointIssuer:
    """The checkpoint key (made beside the hub key on first start) and the origin."""
    try:
        signer = ensure_checkpoint_key(settings.checkpoint_key_path, settings.audit_origin)
    except (KeyFileError, OSError) as exc:
        raise ConfigurationError(f"audit checkpoint key: {exc}") from exc
    interval = timedelta(seconds=settings.checkpoint_interval_seconds)
    return CheckpointIssuer(signer, settings.audit_origin, interval)
