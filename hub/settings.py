"""Hub settings (environment prefix ``HOMEWARD_HUB_``). Defaults run the embedded demo."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

import policies

DEFAULT_HOME = Path("homeward-hub")


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOMEWARD_HUB_", extra="forbid")

    database_url: str = f"sqlite:///{DEFAULT_HOME / 'hub.db'}"
    key_file: Path = DEFAULT_HOME / "hub.key"
    policies_dir: Path = Path(policies.__file__).parent
    max_batch_records: int = 5000
    max_body_bytes: int = 16 * 1024 * 1024
    # Episodes described by match keys (not the authority's own children) per authority per 24 h:
    # England sees about 300 missing reports a day in all, so this only stops membership probing.
    max_keyed_reports_per_day: int = 2000
    # An urgent report is answered no sooner than this, after its notifications are committed:
    # the time taken must not reveal whether the child is known (a linked report does more work).
    event_response_floor_ms: int = 250
    host: str = "127.0.0.1"
    port: int = 8700
