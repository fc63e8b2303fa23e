"""Connector configuration: one TOML file per council. Relative paths are resolved against the
config file's folder.

    authority = "E08000025"
    hub_url = "http://127.0.0.1:8700"
    client_id = "e08000025-1a2b3c4d5e6f7a8b"   # from `homeward hub client add` (OAuth2)
    client_key_file = "keys/client.key"    # from `homeward keys new-client` (private JWK)
    # scope = "records:write events:write notifications:read"   # default: all it was granted
    # credential_file = "credential.txt"   # legacy bearer credential (this release only), or
    #                                       # HOMEWARD_CONNECTOR_CREDENTIAL in the environment
    shared_keyring = "keys/shared.key"
    council_key = "keys/council.key"
    state_file = "state.json"

    [sources]
    ssda903 = "903/"                       # a folder of 903 CSV tables, or a list of files
    identities = "identities.csv"
    postcode_lookup = "postcode_lookup.csv"  # optional

    [sync]
    batch_size = 1000
    max_removal_share = 0.2
    retries = 5
"""

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.errors import ConfigError

AUTHORITY = re.compile(r"^[EWSN]\d{8}$")
CREDENTIAL_ENV = "HOMEWARD_CONNECTOR_CREDENTIAL"


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
    client_id: str | None = None
    client_key_file: Path | None = None
    scope: str | None = None


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}: missing required setting {key!r}")
    return table[key]


def _files_903(value: Any, base: Path, where: str) -> tuple[Path, ...]:
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise ConfigError(f"{where}: sources.ssda903 must be a folder or a list of files")
    paths: list[Path] = []
    for entry in entries:
        path = base / entry
        paths.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    return tuple(paths)


def _credential(doc: dict[str, Any], base: Path, where: str) -> str | None:
    if "client_id" in doc:
        if "client_key_file" not in doc:
            raise ConfigError(f"{where}: client_id needs client_key_file (a private JWK)")
        return None
    from_env = os.environ.get(CREDENTIAL_ENV)
    if from_env:
        return from_env.strip()
    if "credential_file" not in doc:
        raise ConfigError(
            f"{where}: set client_id and client_key_file (or, for this release, "
            f"credential_file or {CREDENTIAL_ENV})"
        )
    try:
        return (base / str(doc["credential_file"])).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read credential file: {exc}") from exc


def load_config(path: Path) -> ConnectorConfig:
    where = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read config: {exc}") from exc
    base = path.parent
    authority = str(_require(doc, "authority", where))
    if not AUTHORITY.match(authority):
        raise ConfigError(f"{where}: authority {authority!r} is not an ONS code like E08000025")
    sources = _require(doc, "sources", where)
    sync = doc.get("sync", {})
    lookup = sources.get("postcode_lookup")
    return ConnectorConfig(
        path=path,
        authority=authority,
        hub_url=str(_require(doc, "hub_url", where)),
        credential=_credential(doc, base, where),
        shared_keyring=base / _require(doc, "shared_keyring", where),
        council_key=base / _require(doc, "council_key", where),
        state_file=base / doc.get("state_file", "state.json"),
        ssda903=_files_903(_require(sources, "ssda903", where), base, where),
        identities=base / _require(sources, "identities", where),
        postcode_lookup=base / lookup if lookup else None,
        batch_size=int(sync.get("batch_size", 1000)),
        max_removal_share=float(sync.get("max_removal_share", 0.2)),
        retries=int(sync.get("retries", 5)),
        client_id=str(doc["client_id"]) if "client_id" in doc else None,
        client_key_file=base / doc["client_key_file"] if "client_key_file" in doc else None,
        scope=str(doc["scope"]) if "scope" in doc else None,
    )
