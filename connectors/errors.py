"""Connector errors. Each carries a stable ``code``, an operator ``remedy`` and the process
``exit_code`` a scheduler sees (documented in the README).

    ConnectorError
    ├── ConfigError            exit 2  config file or key file unusable
    │   └── KeyringMismatch    exit 2  the shared keyring is not the one used before
    ├── MassRemovalRefused     exit 3  the sync would remove too many records
    │   └── RowCountDropRefused exit 3 an input table has far fewer rows than at the last sync
    ├── RequestRefused         exit 4  the hub answered that the request itself is wrong (4xx)
    │   └── QuotaExceeded      exit 4  the daily quota of reports is spent (not retried)
    ├── HubUnavailable         exit 4  the hub could not be reached, or kept failing, after retries
    ├── CredentialRefused      exit 5  the hub did not accept the connector's credential (401)
    └── ExtractUnusable        exit 65 an input file cannot be used (missing, empty, truncated,
                                       undecodable, a table lacking): nothing was sent

An urgent report the hub did not take is kept in the outbox: ``report`` then exits 6
(``EXIT_QUEUED``), and the next ``report``, ``sync`` or ``flush`` sends it.

Which one a failed request becomes is decided by ``connectors.retry.failure``.
"""

from collections.abc import Sequence


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


class KeyringMismatch(ConfigError):
    code = "keyring_mismatch"
    remedy = (
        "the shared keyring file is not the one this connector used before (was `homeward keys "
        "new-shared` run again?): restore the scheme's keyring file; if the scheme really "
        "changed its secret, it must be a new epoch (`homeward keys rotate-shared`)"
    )


class MassRemovalRefused(ConnectorError):
    code, exit_code = "mass_removal_refused", 3
    remedy = (
        "check the extract is complete; if the removals are genuine, run again with "
        "--allow-mass-removal"
    )


class RowCountDropRefused(MassRemovalRefused):
    code = "row_count_drop_refused"
    remedy = (
        "check the extract is complete; if the drop is genuine (e.g. a new collection year), "
        "run again with --allow-mass-removal"
    )


class ExtractUnusable(ConnectorError):
    """An input file as a whole cannot be trusted; ``problems`` says where and why."""

    code, exit_code = "extract_unusable", 65  # sysexits EX_DATAERR
    remedy = "fix or re-export the files named above; nothing was sent, so the hub is unchanged"

    def __init__(self, problems: Sequence[object]) -> None:
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the extract cannot be used; nothing was sent:\n{lines}")
        self.problems = list(problems)


class RequestRefused(ConnectorError):
    code, exit_code = "request_refused", 4
    remedy = "the hub's answer says why; the next run resumes safely once that is fixed"


class QuotaExceeded(RequestRefused):
    code = "quota_exceeded"
    remedy = (
        "the hub's daily quota of reports for this authority is spent; queued reports stay in "
        "the outbox: ask the scheme operator, then run `homeward connector flush`"
    )


class HubUnavailable(ConnectorError):
    code, exit_code = "hub_unavailable", 4
    remedy = "check hub_url and network access; the next run resumes safely"


class CredentialRefused(ConnectorError):
    code, exit_code = "credential_refused", 5
    remedy = (
        "check credential_file (or HOMEWARD_CONNECTOR_CREDENTIAL) holds the credential the hub "
        "operator issued to this authority; retrying will not help"
    )


EXIT_OK = 0
EXIT_ROWS_REJECTED = 1
EXIT_QUEUED = 6  # an urgent report is kept in the outbox, not yet at the hub
