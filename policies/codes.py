"""The meanings of the 903 codes a notification may carry (policies/reference/ssda903_codes.csv),
so a duty worker reads "C2: full care order", not "C2"."""

import csv
from functools import cache
from pathlib import Path

CODE_LIST = Path(__file__).parent / "reference" / "ssda903_codes.csv"
CODED_FIELDS = ("legal_status", "placement_type", "episode_kind")
UNKNOWN_MEANING = "(meaning not in Homeward's 903 code list)"


@cache
def code_list() -> dict[str, dict[str, str]]:
    """field -> code -> meaning."""
    found: dict[str, dict[str, str]] = {name: {} for name in CODED_FIELDS}
    with CODE_LIST.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found[row["field"]][row["code"]] = row["meaning"]
    return found


def meaning(field: str, code: str | None) -> str | None:
    """What ``code`` means in ``field``; None when there is no code."""
    if code is None:
        return None
    return code_list().get(field, {}).get(code, UNKNOWN_MEANING)


def known_codes(field: str) -> list[str]:
    return sorted(code_list()[field])
