"""`homeward policy check|explain|test|schema`: validate policy files (file, line, column and
a remedy for each problem), explain a decision, run policy test files, print the JSON Schema.

Exit codes: 0 ok; 1 a policy file has problems, or a policy test failed; 2 bad usage, or a
policy, test or scenario file that cannot be used (each problem with file, line and column).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import policies
from homeward.policy_cases import Scenario, case_files, read_yaml_model, run_case_file, untested
from homeward.policy_explain import explain
from policies import check_directory, load_policies, policy_json_schema
from policies.errors import PolicyCaseError

SHIPPED = Path(policies.__file__).parent
POLICY_EXIT_CODES = (
    "exit codes: 0 ok; 1 problems found or a test failed; 2 bad usage or unreadable input"
)


def _directory(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory", type=Path, nargs="?", default=SHIPPED, help="default: the shipped policies"
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("policy", help="check, explain and test sharing policies")
    actions = group.add_subparsers(dest="action", required=True)
    check = actions.add_parser(
        "check", help="validate every DIR/*.yaml policy", epilog=POLICY_EXIT_CODES
    )
    _directory(check)
    check.set_defaults(handler=check_command)
    test = actions.add_parser(
        "test", help="run DIR/tests/*.yaml (scenario -> expected grants)", epilog=POLICY_EXIT_CODES
    )
    _directory(test)
    test.set_defaults(handler=test_command)
    _register_explain(actions)
    schema = actions.add_parser("schema", help="print the policy JSON Schema")
    schema.set_defaults(handler=schema_command)


def _register_explain(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    explain_cmd = actions.add_parser(
        "explain",
        help="who receives which fields under which policy for an event, and why not others",
        epilog="give --event FILE (a YAML scenario, see docs/policies.md) or the options; "
        + POLICY_EXIT_CODES,
    )
    explain_cmd.add_argument("--policies", type=Path, default=SHIPPED, metavar="DIR")
    explain_cmd.add_argument("--event", type=Path, metavar="FILE", help="a YAML scenario")
    explain_cmd.add_argument("--kind", help="missing, away, found or return_interview_due")
    explain_cmd.add_argument("--match", help="own_record, linked or possible")
    for name in ("responsible", "reporting", "area"):
        explain_cmd.add_argument(f"--{name}", metavar="CODE", help=f"the {name} authority")
    explain_cmd.add_argument("--episode-kind", choices=["M", "A"])
    explain_cmd.add_argument("--legal-status", metavar="LS")
    explain_cmd.add_argument("--placement-type", metavar="PLACE")
    explain_cmd.add_argument("--start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    explain_cmd.add_argument("--confidential-location", action="store_true")
    explain_cmd.add_argument(
        "--unsigned",
        action="append",
        default=[],
        metavar="CODE[:POLICY]",
        help="this authority has not signed (that policy, or any); repeatable",
    )
    explain_cmd.set_defaults(handler=explain_command)


def check_command(args: argparse.Namespace) -> int:
    found, problems = check_directory(args.directory)
    for problem in problems:
        print(problem)
    for p in found:
        roles = ", ".join(g.to for g in p.grants)
        print(f"ok  {p.id} v{p.version}: {', '.join(p.when.events)} -> {roles}")
        print(f"    content {p.content_hash}")
    if not found and not problems:
        print(f"{args.directory}: no policies: everything is denied")
    return 1 if problems else 0


def _unsigned(values: list[str]) -> dict[str, Any]:
    unsigned: dict[str, Any] = {}
    for value in values:
        code, _, policy = value.partition(":")
        if not policy:
            unsigned[code] = "all"
        elif unsigned.get(code) != "all":
            unsigned.setdefault(code, []).append(policy)
    return unsigned


def _scenario(args: argparse.Namespace) -> Scenario:
    if args.event is not None:
        return read_yaml_model(args.event, Scenario)
    given = {
        "event": args.kind,
        "match": args.match,
        "responsible": args.responsible,
        "reporting": args.reporting,
        "area": args.area,
        "episode_kind": args.episode_kind,
        "legal_status": args.legal_status,
        "placement_type": args.placement_type,
        "start": args.start or date.today(),
        "confidential_location": args.confidential_location,
        "unsigned": _unsigned(args.unsigned),
    }
    try:
        return Scenario.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"--{'.'.join(map(str, e['loc'])).replace('_', '-').replace('event', 'kind')}: "
            f"{e['msg']}"
            for e in exc.errors()
        )
        raise PolicyCaseError(f"explain: {problems} (remedy: see --help)") from exc


def explain_command(args: argparse.Namespace) -> int:
    print(explain(_scenario(args), load_policies(args.policies)), end="")
    return 0


def test_command(args: argparse.Namespace) -> int:
    loaded = load_policies(args.directory)
    failed = 0
    for path in case_files(args.directory):
        for outcome in run_case_file(path, loaded):
            status = "FAIL" if outcome.failures else "pass"
            print(f"{status}  {path.name}: {outcome.case}")
            for failure in outcome.failures:
                print(f"      {failure}")
            failed += bool(outcome.failures)
    for policy_id in untested(args.directory, loaded):
        print(f"FAIL  {policy_id}: no test file in {args.directory / 'tests'} is about it")
        failed += 1
    print(f"{failed} failed" if failed else "all policy tests pass")
    return 1 if failed else 0


def schema_command(_args: argparse.Namespace) -> int:
    print(json.dumps(policy_json_schema(), indent=2, sort_keys=True))
    return 0
