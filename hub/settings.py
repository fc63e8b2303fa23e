"""Hub settings (environment prefix ``HOMEWARD_HUB_``). Defaults run the embedded demo."""

import difflib
import os
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

import policies
from hub.errors import ConfigurationError
from hub.observe.logs import LogFormat, LogLevel
from keys import signing_key_path

ENV_PREFIX = "HOMEWARD_HUB_"

DEFAULT_HOME = Path("homeward-hub")


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    database_url: str = f"sqlite:///{DEFAULT_HOME / 'hub.db'}"
    key_file: Path = DEFAULT_HOME / "hub.key"
    policies_dir: Path = Path(policies.__file__).parent
    max_batch_records: int = 5000
    max_body_bytes: int = 16 * 1024 * 1024
    # Episodes described by match keys (not the authority's own children) per authority per 24 h:
    # England sees about 300 missing reports a day in all, so this only stops membership probing.
    max_keyed_reports_per_day: int = 2000
    # Who drains the outbox (hub/worker.py): "thread" (a background thread in the app: the
    # embedded default), "external" (`homeward hub worker` processes; production), or "inline"
    # (after each request's commit, in the request: tests only, deterministic).
    worker: Literal["thread", "external", "inline"] = "thread"
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=30)
    webhook_secret_overlap_hours: int = Field(default=24, ge=0, le=24 * 30)
    # The longest a long-poll of the inbox (GET /v1/notifications?wait=N) waits.
    long_poll_max_seconds: float = Field(default=30, ge=0, le=30)
    # Admit http:// and private, loopback and link-local webhook targets: tests only.
    webhook_allow_private_targets: bool = False
    # E-mail alerts to duty inboxes (hub/delivery/mail.py): none are sent without a host.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True  # upgrade with STARTTLS (refuse to send if the server cannot)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = Field(default="homeward@localhost", pattern=r"^[^@\s<>]+@[^@\s<>]+$")
    smtp_timeout_seconds: float = Field(default=15.0, gt=0, le=60)
    # Routine notifications (not a missing or found episode) go out in one digest per recipient
    # at this time of day, Europe/London; unset, everything goes out at once.
    digest_time: time | None = None
    # Delivered outbox items (webhooks, e-mails, shares) are purged by the worker this long
    # after delivery; dead letters are kept until redelivered.
    outbox_retention_days: int = Field(default=30, ge=1, le=3650)
    host: str = "127.0.0.1"
    port: int = 8700
    # OAuth2 (docs/oauth.md): the hub is the authorization server for its clients' tokens.
    # The signing keyring defaults to hub-signing.json beside key_file (made by `hub init`).
    signing_key_file: Path | None = None
    issuer: str = "http://127.0.0.1:8700"  # the `iss` of our tokens; client assertions' `aud`
    audience: str = "urn:homeward:hub-api"  # the `aud` every access token must carry
    access_token_seconds: int = Field(default=300, ge=30, le=3600)
    max_assertion_seconds: int = Field(default=300, ge=30, le=600)  # client assertion exp - now
    clock_leeway_seconds: int = Field(default=30, ge=0, le=120)
    # Static bearer credentials of the first release, accepted for one more release. The
    # embedded default keeps them; production sets HOMEWARD_HUB_ALLOW_LEGACY_BEARER=false.
    allow_legacy_bearer: bool = True
    # An external identity provider whose access tokens are also accepted (both or neither).
    external_issuer: str | None = None
    external_jwks_url: str | None = None
    external_token_types: tuple[str, ...] = ("at+jwt", "application/at+jwt")
    external_algorithms: tuple[str, ...] = ("ES256", "Ed25519", "RS256")
    jwks_cache_seconds: int = 3600
    jwks_refetch_floor_seconds: int = 60  # at most one fetch a minute on unknown kids

    # The audit log (docs/design.md "Audit log"): the checkpoint origin names the scheme and the
    # hub; the Ed25519 checkpoint key defaults to hub-checkpoint.key beside key_file (made on
    # first start); a new checkpoint is signed when asked for and the last is this old.
    audit_origin: str = Field(default="homeward.example/audit", pattern=r"^[^\s+]+$")
    checkpoint_key_file: Path | None = None
    checkpoint_interval_seconds: int = Field(default=300, ge=1)

    # Logs (hub/observe/logs.py): level, and "json" lines (production) or "console" text.
    log_level: LogLevel = "info"
    log_format: LogFormat = "console"
    # /metrics needs an admin token; this also serves it, without one, to 127.0.0.1 and ::1
    # (only where no proxy forwards outside requests as loopback ones).
    metrics_allow_loopback: bool = False

    # Production mode refuses development aids (the local OpenID provider of hub/web).
    production: bool = False
    # Web pages for people (docs/web.md): the OpenID Connect issuer of each authority's people
    # (authority code -> issuer URL), the hub's client at those issuers, the session cookie (its
    # secret: production must set it; unset in development, derived from the hub key).
    web_issuers: dict[str, str] = Field(default_factory=dict)
    web_client_id: str = "homeward-hub"
    web_client_secret: str | None = None
    web_session_secret: str | None = None
    web_session_idle_minutes: int = Field(default=30, ge=1, le=720)
    web_cookie_secure: bool = True

    def model_post_init(self, context: Any, /) -> None:
        refuse_unknown_variables(os.environ)

    @property
    def checkpoint_key_path(self) -> Path:
        return self.checkpoint_key_file or self.key_file.with_name("hub-checkpoint.key")

    @property
    def signing_keys_path(self) -> Path:
        return self.signing_key_file or signing_key_path(self.key_file)


def refuse_unknown_variables(environ: Mapping[str, str]) -> None:
    """A mistyped ``HOMEWARD_HUB_…`` variable is an error naming the nearest valid one (it would
    otherwise be ignored, and the hub would run on a default database and key)."""
    known = sorted(name.upper() for name in HubSettings.model_fields)
    for name in sorted(environ):
        suffix = name.upper().removeprefix(ENV_PREFIX)
        if name.upper().startswith(ENV_PREFIX) and suffix not in known:
            nearest = difflib.get_close_matches(suffix, known, n=1, cutoff=0.6)
            hint = f"; did you mean {ENV_PREFIX}{nearest[0]}?" if nearest else ""
            raise ConfigurationError(f"unknown setting {name} in the environment{hint}")
