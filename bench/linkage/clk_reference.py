"""Reference linkage with Bloom-filter CLKs: clkhash 0.18.3 + anonlink 0.15.3 (dev only).

Runs inside its own virtual environment (bench/linkage/.venv-clk): clkhash pins
``cryptography<41`` and cannot share the project's. Reads the same two CSV files as
``homeward linkage evaluate`` (never the truth) and writes, for each threshold, the pairs that
anonlink's greedy 1:1 solver links. Usage:

    python clk_reference.py LEFT.csv RIGHT.csv OUT.json --fields csc|csc+id|homeward \
        --thresholds 0.8 0.9 [--review-band 0.1]

``--fields homeward`` encodes what Homeward's second stage sees (forename, known-as, surname,
former surname, date of birth, sex, postcode district, identifier) for a like-for-like
comparison; ``--review-band`` gives the reference its own review queue below each threshold.

Encoding (after research/pprl.md section 5): 1024 bits, keyed BLAKE2b ("random hashing"),
bigrams of forename, surname and postcode, positional unigrams of the date of birth (YYYYMMDD)
and of the identifier. Values are upper-cased and stripped of everything but letters and digits.
"""

import argparse
import csv
import json
import re
import time
import unicodedata
from array import array

import anonlink
from clkhash import clk
from clkhash.schema import from_json_dict

SECRET = "homeward-bench-clk-reference"  # a benchmark, not a deployment: a fixed secret is fine


def _feature(name: str, n: int, positional: bool, bits: int) -> dict[str, object]:
    return {
        "identifier": name,
        "format": {"type": "string", "encoding": "utf-8", "case": "mixed", "minLength": 0},
        "hashing": {
            "comparison": {"type": "ngram", "n": n, "positional": positional},
            "strategy": {"bitsPerFeature": bits},
            "hash": {"type": "blakeHash"},
            "missingValue": {"sentinel": ""},
        },
    }


def schema(fields: str) -> dict[str, object]:
    if fields == "homeward":  # the fields Homeward's second stage uses, known-as and sex too
        features = [
            _feature("forename", 2, False, 100),
            _feature("known_as", 2, False, 60),
            _feature("surname", 2, False, 100),
            _feature("former_surname", 2, False, 60),
            _feature("dob", 1, True, 120),
            _feature("sex", 1, False, 30),
            _feature("district", 2, False, 60),
            _feature("id", 1, True, 120),
        ]
    else:
        features = [
            _feature("forename", 2, False, 120),
            _feature("surname", 2, False, 120),
            _feature("dob", 1, True, 120),
            _feature("postcode", 2, False, 80),
        ]
        if fields == "csc+id":
            features.append(_feature("id", 1, True, 120))
    return {
        "version": 3,
        "clkConfig": {
            "l": 1024,
            "kdf": {
                "type": "HKDF",
                "hash": "SHA256",
                "salt": "aG9tZXdhcmQ=",
                "info": "Y2xr",
                "keySize": 64,
            },
        },
        "features": [{"identifier": "rid", "ignored": True}, *features],
    }


def _clean(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9A-Z]", "", ascii_text.upper())


SEX = {"1": "M", "2": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}


def _district(postcode: str) -> str:
    parts = postcode.upper().split()
    if len(parts) > 1:
        return _clean(parts[0])
    code = _clean(postcode)
    return code[:-3] if len(code) > 4 else code


def read(path: str, fields: str) -> tuple[list[str], list[list[str]]]:
    ids, rows = [], []
    with_id = fields != "csc"
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ids.append(row["id"])
            if fields == "homeward":
                rows.append(
                    [
                        row["id"],
                        _clean(row["forename"]),
                        _clean(row.get("known_as", "")),
                        _clean(row["surname"]),
                        _clean(row.get("former_surname", "")),
                        row["dob"].replace("-", ""),
                        SEX.get(row["sex"].strip().upper(), ""),
                        _district(row["postcode"]),
                        _clean(row["nhs_number"]) or _clean(row["upn"]),
                    ]
                )
                continue
            values = [
                row["id"],
                _clean(row["forename"]),
                _clean(row["surname"]),
                row["dob"].replace("-", ""),
                _clean(row["postcode"]),
            ]
            if with_id:
                values.append(_clean(row["nhs_number"]) or _clean(row["upn"]))
            rows.append(values)
    return ids, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("left")
    parser.add_argument("right")
    parser.add_argument("out")
    parser.add_argument("--fields", choices=("csc", "csc+id", "homeward"), default="csc+id")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.85, 0.9])
    parser.add_argument(
        "--review-band",
        type=float,
        default=0.0,
        help="also report, per threshold t, every candidate pair with t - band <= Dice < t "
        "(its own review queue)",
    )
    args = parser.parse_args()
    spec = from_json_dict(schema(args.fields))
    started = time.perf_counter()
    left_ids, left_rows = read(args.left, args.fields)
    right_ids, right_rows = read(args.right, args.fields)
    clks = [
        clk.generate_clks(rows, spec, SECRET, validate=False) for rows in (left_rows, right_rows)
    ]
    encoded = time.perf_counter()
    lowest = min(args.thresholds) - args.review_band
    sims, _, (recs_a, recs_b) = anonlink.candidate_generation.find_candidate_pairs(
        clks, anonlink.similarities.dice_coefficient_accelerated, lowest
    )
    candidates = list(zip(sims, recs_a, recs_b, strict=True))
    links: dict[str, list[tuple[str, str]]] = {}
    reviews: dict[str, list[tuple[str, str]]] = {}
    for threshold in sorted(args.thresholds):
        if args.review_band:
            reviews[f"{threshold:.2f}"] = [
                (left_ids[a], right_ids[b])
                for sim, a, b in candidates
                if threshold - args.review_band <= sim < threshold
            ]
        kept = [c for c in candidates if c[0] >= threshold]
        pairs = anonlink.solving.greedy_solve(
            (
                array("d", [c[0] for c in kept]),
                (array("I", [0] * len(kept)), array("I", [1] * len(kept))),
                (array("I", [c[1] for c in kept]), array("I", [c[2] for c in kept])),
            )
        )
        found = []
        for group in pairs:
            by_set = dict(group)
            found.append((left_ids[by_set[0]], right_ids[by_set[1]]))
        links[f"{threshold:.2f}"] = found
    done = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "links": links,
                "reviews": reviews,
                "encode_seconds": encoded - started,
                "match_seconds": done - encoded,
                "candidates": len(candidates),
                "records": len(left_ids) + len(right_ids),
            },
            handle,
        )


if __name__ == "__main__":
    main()
