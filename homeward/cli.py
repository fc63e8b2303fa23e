"""`homeward`: the one command-line entry point. Exit codes are documented in the README."""

import argparse
import sys
from collections.abc import Sequence

from connectors.errors import ConnectorError
from homeward.commands import audit_cmd, connector_cmd, hub_cmd, keys_cmd
from hub.errors import HubError
from policies import PolicyError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="homeward",
        description="Tell a council when its looked-after child goes missing elsewhere, "
                    "without a register of children.")
    sub = parser.add_subparsers(dest="command", required=True)
    from homeward.commands import demo_cmd, linkage_cmd, policy_cmd

    for module in (hub_cmd, connector_cmd, keys_cmd, policy_cmd, audit_cmd, linkage_cmd,
                   demo_cmd):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConnectorError as exc:
        print(exc.diagnostics(), file=sys.stderr)
        return exc.exit_code
    except (HubError, PolicyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
