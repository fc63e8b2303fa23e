"""`homeward linkage evaluate`: measure linkage accuracy on your own data.

Reads two people files and a truth file, pseudonymises each side as two councils would (fresh
shared secret; match keys and second-stage encodings), links them exactly as the hub does (both
stages, hub.linking.search), and prints precision, recall, F1, false
alarms per 1,000 non-matching right-hand records, the review queue and records/s.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from homeward.linkage import evaluate
from homeward.linkage.records import LinkageInputError, Schemes, read_people, read_truth
from hub.linking.candidates import BLOCKING, Blocking

EXIT_OK, EXIT_INPUT = 0, 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("linkage", help="measure linkage accuracy")
    actions = group.add_subparsers(dest="action", required=True)
    command = actions.add_parser(
        "evaluate",
        help="link two CSV files as the hub does and score against a truth file",
        description="LEFT: the responsible authority's children (the hub's children). RIGHT: "
        "another authority's records (the queries). Both CSV files have the columns "
        "id, forename, surname, dob (YYYY-MM-DD), sex, postcode, nhs_number, upn "
        "(any may be empty but id; known_as and former_surname are used if present; "
        "other columns are ignored). TRUTH has left_id,right_id and is read only "
        "for scoring.",
    )
    command.add_argument("left", type=Path, metavar="LEFT.csv")
    command.add_argument("right", type=Path, metavar="RIGHT.csv")
    command.add_argument("--truth", type=Path, required=True, metavar="TRUTH.csv")
    command.add_argument("--json", action="store_true", help="print the metrics as JSON")
    command.add_argument(
        "--links",
        type=Path,
        metavar="OUT.csv",
        help="write every decision as left_id,right_id,decision (link|review)",
    )
    command.add_argument(
        "--opaque-ids",
        action="store_true",
        help="foreign data: take nhs_number/upn as identifiers without a check "
        "digit (e.g. FEBRL soc_sec_id); never for council records",
    )
    command.add_argument(
        "--opaque-postcodes",
        action="store_true",
        help="foreign data: take postcode whole as the district (non-UK codes)",
    )
    command.add_argument(
        "--match-keys-only",
        action="store_true",
        help="the first stage alone (match keys), without the second stage's keyed encodings",
    )
    command.add_argument(
        "--crowded-block",
        type=int,
        metavar="N",
        help=f"compare a report only with left-hand children sharing {BLOCKING.shared} of its "
        "blocking tokens, or one held by at most N of them (default: every child sharing one, "
        "as the hub does); scale N to the left file's size to see the bound on a larger hub",
    )
    command.set_defaults(handler=evaluate_command)


def evaluate_command(args: argparse.Namespace) -> int:
    schemes = Schemes(opaque_ids=args.opaque_ids, opaque_postcodes=args.opaque_postcodes)
    try:
        left, right = read_people(args.left), read_people(args.right)
        blocking = Blocking(BLOCKING.shared, args.crowded_block)
        second_stage = not args.match_keys_only
        linkage = evaluate.link(left, right, schemes, second_stage=second_stage, blocking=blocking)
        truth = read_truth(args.truth)  # read only now: nothing above could use it
    except LinkageInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    report = evaluate.score(
        linkage,
        len(left),
        [p.id for p in right],
        truth,
        evaluate.id_pairs(left, right, truth, schemes),
    )
    if args.links:
        evaluate.write_links(args.links, linkage.decisions)
    print(json.dumps(report.as_dict(), indent=2) if args.json else evaluate.format_report(report))
    return EXIT_OK
