"""Splink on clear data: the accuracy ceiling (bench only; venv bench/linkage/.venv-splink).

Usage: ``python splink_ceiling.py LEFT.csv RIGHT.csv TRUTH.csv OUT.json``. Splink 4 (DuckDB)
links the two files *in the clear* (no hashing, no encodings) with Jaro-Winkler forename
(first part) and surname (last part), Splink's date-of-birth levels, sex, postcode district
and identifier; known-as and former surnames are not used.
It is trained as generously as it can be: u by random sampling, m **from the truth file's
labelled pairs** and the prior from their number (information no Homeward component has).
Decisions, per right record: link
its best candidate when the match probability is >= ``--link`` and the runner-up is below
``--review``; review every candidate >= ``--review``. Writes the decisions as JSON for
bench/linkage/run.py to score with the same code as everything else.
"""

import argparse
import csv
import json
import re
import time
import unicodedata

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

SEX = {"1": "M", "2": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}


def _clean(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z ]", "", ascii_text.upper().replace("-", " ")).strip()


def _district(postcode: str) -> str:
    parts = (postcode or "").upper().split()
    code = "".join(parts)
    if len(parts) > 1:
        return parts[0]
    return code[:-3] if len(code) > 4 else code


def frame(path: str) -> pd.DataFrame:
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            forename, surname = _clean(r["forename"]), _clean(r["surname"])
            rows.append(
                {
                    "unique_id": r["id"],
                    "forename": (forename.split() or [None])[0],
                    "surname": (surname.split() or [None])[-1],
                    "known_as": _clean(r.get("known_as", "")) or None,
                    "dob": r["dob"] or None,
                    "sex": SEX.get(r["sex"].strip().upper()),
                    "district": _district(r["postcode"]) or None,
                    "ident": re.sub(r"\W", "", r["nhs_number"] or r["upn"]) or None,
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("left")
    parser.add_argument("right")
    parser.add_argument("truth")
    parser.add_argument("out")
    parser.add_argument("--link", type=float, default=0.999)
    parser.add_argument("--review", type=float, default=0.9)
    args = parser.parse_args()
    started = time.perf_counter()
    left, right = frame(args.left), frame(args.right)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("forename", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("district"),
            cl.ExactMatch("ident"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("substr(forename, 1, 2)", "substr(dob, 1, 4)"),
            block_on("substr(surname, 1, 2)", "substr(dob, 1, 4)"),
            block_on("forename", "district"),
            block_on("surname", "district"),
            block_on("substr(forename, 1, 2)", "substr(surname, 1, 2)"),
            block_on("ident"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    with open(args.truth, newline="", encoding="utf-8") as handle:
        pairs = sum(1 for _ in csv.DictReader(handle))
    settings.probability_two_random_records_match = pairs / (len(left) * len(right))  # known
    linker = Linker([left, right], settings, db_api=DuckDBAPI())
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    with open(args.truth, newline="", encoding="utf-8") as handle:
        labels = pd.DataFrame(
            [
                {
                    "source_dataset_l": "__splink__input_table_0",
                    "unique_id_l": r["left_id"],
                    "source_dataset_r": "__splink__input_table_1",
                    "unique_id_r": r["right_id"],
                    "clerical_match_score": 1.0,
                }
                for r in csv.DictReader(handle)
            ]
        )
    table = linker.table_management.register_labels_table(labels)
    linker.training.estimate_m_from_pairwise_labels(table)
    found = linker.inference.predict(threshold_match_probability=args.review)
    predictions = found.as_pandas_dataframe()
    by_right: dict[str, list[tuple[float, str]]] = {}
    for row in predictions.itertuples():
        by_right.setdefault(str(row.unique_id_r), []).append(
            (float(row.match_probability), str(row.unique_id_l))
        )
    links, reviews = [], []
    for right_id, found in by_right.items():
        found.sort(reverse=True)
        best, runner_up = found[0], found[1][0] if len(found) > 1 else 0.0
        if best[0] >= args.link and runner_up < args.review:
            links.append((best[1], right_id))
        else:
            reviews += [(left_id, right_id) for p, left_id in found if p >= args.review]
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "links": links,
                "reviews": reviews,
                "seconds": time.perf_counter() - started,
                "records": len(left) + len(right),
            },
            handle,
        )


if __name__ == "__main__":
    main()
