"""`homeward`: the one command-line entry point. Exit codes are documented in the README."""

import argparse
import sys
import traceback
from collections.abc import Sequence
from importlib.metadata import version

from sqlalchemy.exc import OperationalError

from connectors.errors import ConnectorError
from homeward.commands import (
    audit_cmd,
    connector_cmd,
    demo_cmd,
    hub_cmd,
    keys_cmd,
    linkage_cmd,
    policy_cmd,
)
from hub.db.engine import unreachable
from hub.errors import HubError
from keys import KeyFileError
from policies import PolicyError

EXIT_INTERNAL_ERROR = 70  # sysexits EX_SOFTWARE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="homeward",
        description="Tell a council when its looked-after child goes missing elsewhere, "
        "without a register of children.",
    )
    parser.add_argument("--version", action="version", version=f"homeward {version('homeward')}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (hub_cmd, connector_cmd, keys_cmd, policy_cmd, audit_cmd, linkage_cmd, demo_cmd):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConnectorError as exc:
        print(exc.diagnostics(), file=sys.stderr)
        return exc.exit_code
    except OperationalError as exc:  # a database that is missing or cannot be reached
        print(f"error: {unreachable(exc)}", file=sys.stderr)
        return 2
    except PolicyError as exc:
        for problem in [str(p) for p in exc.problems] or [str(exc)]:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except (HubError, KeyFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:
        print(f"not implemented: {exc}", file=sys.stderr)
        return 2
    except Exception:  # an unexpected failure must not look like "synced with rejected rows"
        traceback.print_exc()
        return EXIT_INTERNAL_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
