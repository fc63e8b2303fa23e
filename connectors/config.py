"""Connector configuration: one TOML file per council, checked by a typed model that refuses
unknown keys, wrong types and out-of-range values. Every error names the file, the key and a
remedy. Relative paths are resolved against the config file's folder.

    authority = "E08000025"
    hub_url = "https://hub.example.org"    # http:// only for 127.0.0.1, ::1 or localhost
    client_id = "e08000025-1a2b3c4d5e6f7a8b"   # from `homeward hub client add` (OAuth2)
    client_key_file = "keys/client.key"    # from `homeward keys new-client` (private JWK)
    # scope = "records:write events:write notifications:read"   # default: all it was granted
    # credential_file = "credential.txt"   # legacy bearer credential (this release only), or
    #                                       # HOMEWARD_CONNECTOR_CREDENTIAL in the environment
    shared_keyring = "keys/shared.key"
    council_key = "keys/council.key"
    state_file = "state.json"
    # operator_vkey = "homeward-operator+..."   # the operator key pinned: the line of
    #                                       # operator.vkey (`homeward keys install-epoch --config`)

    [sources]
    ssda903 = "903/"                       # a folder of 903 CSV tables, or a list of files
    identities = "identities.csv"
    postcode_lookup = "postcode_lookup.csv"  # optional
    encoding = "auto"                      # auto: UTF-8 with or without BOM, else cp1252

    [sync]
    batch_size = 1000
    max_removal_share = 0.2
    max_table_drop = 0.2
    retries = 5
"""

import codecs
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from connectors.errors import ConfigError
from hub.wire import MAX_BATCH_RECORDS
from keys.notes import NoteVerifier

AUTHORITY_PATTERN = r"^[EWSN]\d{8}$"
CREDENTIAL_ENV = "HOMEWARD_CONNECTOR_CREDENTIAL"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
AUTO_ENCODING = "auto"
README = "see README, 'Connector configuration'"


@dataclass(frozen=True)
class ConnectorConfig:
    path: Path
    authority: str
    hub_url: str
    credential: str | None  # the legacy bearer credential, when there is no OAuth2 client
    shared_keyring: Path
    council_key: Path
    state_file: Path
    ssda903: tuple[Path, ...]
    identities: Path
    postcode_lookup: Path | None
    batch_size: int = 1000
    max_removal_share: float = 0.2
    retries: int = 5
    encoding: str = AUTO_ENCODING  # of the extracts: "auto" = UTF-8 (BOM or not), else cp1252
    max_table_drop: float = 0.2  # refuse a sync in which one extract table shrinks more
    client_id: str | None = None
    client_key_file: Path | None = None
    scope: str | None = None
    # The scheme operator's verifier key, pinned: epoch announcements it did not sign are
    # refused (`homeward keys install-epoch --config`).
    operator: NoteVerifier | None = None


def _hub_url(value: str) -> str:
    url = urlsplit(value)
    if url.scheme == "https" and url.hostname:
        return value
    if url.scheme == "http" and url.hostname in LOOPBACK_HOSTS:
        return value
    raise ValueError(
        "must be an https:// URL (http:// only for a hub on this machine: 127.0.0.1, ::1 or "
        "localhost), e.g. https://hub.example.org"
    )


def _encoding(value: str) -> str:
    if value == AUTO_ENCODING:
        return value
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise ValueError(f"unknown encoding {value!r}: use auto, utf-8 or cp1252") from None


def _operator_vkey(value: str) -> str:
    try:
        NoteVerifier.parse(value)
    except ValueError as exc:
        raise ValueError(f"{exc}; give the one line of the operator's operator.vkey") from None
    return value.strip()


Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourcesSection(_Section):
    ssda903: str | list[str]
    identities: str
    postcode_lookup: str | None = None
    encoding: Annotated[str, AfterValidator(_encoding)] = AUTO_ENCODING


class SyncSection(_Section):
    batch_size: int = Field(default=1000, gt=0, le=MAX_BATCH_RECORDS)
    max_removal_share: Share = 0.2
    max_table_drop: Share = 0.2
    retries: int = Field(default=5, ge=0, le=20)


class ConfigFile(_Section):
    authority: str = Field(pattern=AUTHORITY_PATTERN)
    hub_url: Annotated[str, AfterValidator(_hub_url)]
    client_id: str | None = Field(default=None, min_length=1, max_length=64)
    client_key_file: str | None = None
    scope: str | None = None
    credential_file: str | None = None
    shared_keyring: str
    council_key: str
    state_file: str = "state.json"
    operator_vkey: Annotated[str, AfterValidator(_operator_vkey)] | None = None
    sources: SourcesSection
    sync: SyncSection = SyncSection()


def _remedy(error: Any) -> str:
    kind, key = error["type"], ".".join(str(p) for p in error["loc"] if isinstance(p, str))
    if kind == "extra_forbidden":
        return f"remove {key!r} or correct its spelling ({README})"
    if kind == "missing":
        return f"add {key!r} ({README})"
    if kind == "string_pattern_mismatch":
        return f"{key} must be an ONS code like E08000025"
    return f"correct {key!r} ({README})"


def _located(path: Path, exc: ValidationError) -> ConfigError:
    lines, remedies = [], []
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"] if isinstance(p, str)) or "(file)"
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{path}: {key}: {message}")
        remedies.append(_remedy(error))
    return ConfigError("\n".join(lines), "; ".join(dict.fromkeys(remedies)))


def _parse(path: Path) -> ConfigFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found", "pass --config FILE") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML ({exc})", f"correct the TOML syntax there ({README})"
        ) from None
    try:
        return ConfigFile.model_validate(document)
    except ValidationError as exc:
        raise _located(path, exc) from None


def _files_903(value: str | list[str], base: Path) -> tuple[Path, ...]:
    paths: list[Path] = []
    for entry in [value] if isinstance(value, str) else value:
        path = base / entry
        paths.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    return tuple(paths)


def _credential(file: ConfigFile, base: Path, where: Path) -> str | None:
    """The legacy bearer credential; None when the connector is an OAuth2 client."""
    if file.client_id is not None:
        if file.client_key_file is None:
            raise ConfigError(
                f"{where}: client_key_file: not set",
                "client_id needs client_key_file (the private JWK from `homeward keys new-client`)",
            )
        return None
    from_env = os.environ.get(CREDENTIAL_ENV, "").strip()
    if from_env:
        return from_env
    if file.credential_file is None:
        raise ConfigError(
            f"{where}: client_id: not set",
            f"set client_id and client_key_file (or, for this release, credential_file or "
            f"{CREDENTIAL_ENV})",
        )
    path = base / file.credential_file
    try:
        credential = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{where}: credential_file: cannot read {path} ({exc})",
            "point credential_file at the credential the hub operator issued",
        ) from None
    if not credential:
        raise ConfigError(
            f"{where}: credential_file: {path} is empty",
            "put the credential the hub operator issued in it",
        )
    return credential


def load_config(path: Path) -> ConnectorConfig:
    file = _parse(path)
    base = path.parent
    lookup = file.sources.postcode_lookup
    return ConnectorConfig(
        path=path,
        authority=file.authority,
        hub_url=file.hub_url,
        credential=_credential(file, base, path),
        shared_keyring=base / file.shared_keyring,
        council_key=base / file.council_key,
        state_file=base / file.state_file,
        ssda903=_files_903(file.sources.ssda903, base),
        identities=base / file.sources.identities,
        postcode_lookup=base / lookup if lookup else None,
        batch_size=file.sync.batch_size,
        max_removal_share=file.sync.max_removal_share,
        retries=file.sync.retries,
        encoding=file.sources.encoding,
        max_table_drop=file.sync.max_table_drop,
        client_id=file.client_id,
        client_key_file=base / file.client_key_file if file.client_key_file else None,
        scope=file.scope,
        operator=NoteVerifier.parse(file.operator_vkey) if file.operator_vkey else None,
    )
