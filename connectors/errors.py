"""Connector errors. Each carries a stable ``code``, an operator ``remedy`` and the process
``exit_code`` a scheduler sees (documented in the README).

    ConnectorError
    ├── ConfigError            exit 2  config file or key file unusable
    ├── MassRemovalRefused     exit 3  the sync would remove too many records
    └── HubUnavailable         exit 4  the hub refused or could not be reached after retries
"""


class ConnectorError(Exception):
    code = "connector_error"
    exit_code = 1
    remedy = ""

    def __init__(self, message: str, remedy: str | None = None) -> None:
        super().__init__(message)
        if remedy is not None:
            self.remedy = remedy

    def diagnostics(self) -> str:
        return f"error [{self.code}]: {self}" + (
            f"\n  remedy: {self.remedy}" if self.remedy else ""
        )


class ConfigError(ConnectorError):
    code, exit_code = "config", 2
    remedy = "check the connector config file (see README, 'Connector configuration')"


class MassRemovalRefused(ConnectorError):
    code, exit_code = "mass_removal_refused", 3
    remedy = (
        "check the extract is complete; if the removals are genuine, run again with "
        "--allow-mass-removal"
    )


class HubUnavailable(ConnectorError):
    code, exit_code = "hub_unavailable", 4
    remedy = "check hub_url, the credential and network access; the next run resumes safely"


EXIT_OK = 0
EXIT_ROWS_REJECTED = 1
