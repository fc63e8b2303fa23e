"""SSDA903 code frequencies behind the council extracts (homeward.synthetic.children).

Weights are invented, shaped on national statistics for children looked after in England
(placement mix by age, legal statuses, categories of need, missing incidents); codes are those of
the SSDA903 return (docs: ../shared/research/domain.md section 1).
"""

import random
from datetime import date
from functools import lru_cache

from homeward.synthetic.choice import Choice, codes, parse_weights
from homeward.synthetic.identifiers import postcode
from homeward.synthetic.names import COMMUNITIES

# --- code frequencies (invented, shaped on national statistics) ---------------------------------


AGE = Choice(
    [(0, 5.0)]
    + [(a, 3.5) for a in range(1, 5)]
    + [(a, 3.4) for a in range(5, 10)]
    + [(a, 6.3) for a in range(10, 16)]
    + [(16, 13.0), (17, 13.0)]
)
UASC_AGE = Choice([(14, 1.0), (15, 2.0), (16, 3.5), (17, 3.5)])
EPISODE_COUNT = Choice([(1, 45.0), (2, 35.0), (3, 20.0)])
MISSING_COUNT = Choice([(1, 60.0), (2, 25.0), (3, 15.0)])
MISSING_DAYS = Choice([((0, 0), 35.0), ((1, 3), 40.0), ((4, 14), 20.0), ((15, 60), 5.0)])
CIN = codes("N1 63, N2 3, N3 3, N4 8, N5 15, N6 1, N7 0.3, N8 7")
RNE = codes("P 45, L 25, T 10, B 12, U 8")
RNE_PLACEMENT_ONLY = codes("P 80, T 20")
PLACE_CHANGE = codes(
    "CARPL 45, CREQB 14, CREQO 7, CHILD 5, STAND 3, ALLEG 3, CLOSE 5, LAREQ 8, OTHER 10"
)
LS_START = {
    "young": codes("C1 45, V2 35, L1 6, L2 6, C2 8"),
    "older": codes("C1 30, V2 40, L1 6, L2 2, J1 4, J2 8, C2 10"),
    "uasc": codes("V2 95, J2 5"),
}
LS_NEXT: dict[tuple[str, bool], Choice[str]] = {
    ("C1", True): codes("C2 70, E1 30"),
    ("C1", False): codes("C2 1"),
    ("C2", True): codes("E1 1"),
    **{("V2", young): codes("C1 60, C2 40") for young in (True, False)},
    **{(ls, young): codes("C1 50, V2 50") for ls in ("L1", "L2") for young in (True, False)},
    **{(ls, young): codes("V2 60, C1 40") for ls in ("J1", "J2") for young in (True, False)},
}
SAME_CARER = {"U6": "U4", "U5": "U4", "U3": "U1", "U2": "U1"}  # e.g. fostering becomes long-term
PLACE_BY_BAND = (  # ages 0-4, 5-9, 10-15, 16-17; H5/P2/Z1 become K3/Z1x for new-code councils
    "U6 38, U4 8, U5 4, U3 14, U1 4, U2 2, P1 10, R3 3, K2 1, Z1 1, T4 0.5",
    "U6 44, U4 16, U3 14, U1 6, P1 8, K2 5, S1 1, T4 0.5, Z1 1",
    "U6 34, U4 15, U3 9, U1 5, K2 20, K1 1, P1 6, S1 3, R1 0.5, R2 0.5, T4 0.5, Z1 1, R5 0.3",
    "U6 24, U4 9, U3 5, U1 2, K2 16, K1 1, H5 22, P2 7, P1 5, R5 1, P3 0.5, S1 1, Z1 1, T1 0.3",
)
PLACE = {
    (band, out): Choice((c, w) for c, w in parse_weights(spec) if not (out and c == "P1"))
    for band, spec in enumerate(PLACE_BY_BAND)
    for out in (False, True)
}
PLACED_FOR_ADOPTION = codes("A5 30, A6 70")
PROVIDER_SPECS = (
    ("P1", "PR0 1"),
    ("U1 U2 U3", "PR1 90, PR2 10"),
    ("U4 U5 U6", "PR1 50, PR4 42, PR5 5, PR2 3"),
    ("K1", "PR1 50, PR2 50"),
    ("K2", "PR4 80, PR1 15, PR5 5"),
    ("K3 H5 P2", "PR4 70, PR5 20, PR1 10"),
    ("A5 A6", "PR1 60, PR5 25, PR2 15"),
    ("S1", "PR4 60, PR5 30, PR3 10"),
    ("R1 R2 R3 R5", "PR3 1"),
    ("P3", "PR4 1"),
    ("Z1", "PR4 60, PR5 40"),
    ("T4", "PR1 60, PR4 40"),
)
PROVIDER = {place: codes(spec) for places, spec in PROVIDER_SPECS for place in places.split()}
SETTING_URN = {
    "K1": "SC",
    "K2": "SC",
    "R3": "SC",
    "K3": "2",
    "S1": "1",
    "R1": "X",
    "R2": "X",
    "R5": "",
}  # registered settings: URN prefix ("X": CQC-inspected, XXXXXXX)
CODES_2024_25 = date(2024, 4, 1).toordinal()  # H5 and P2 removed, K3 added
CODES_2025_26 = date(2025, 4, 1).toordinal()  # Z1 replaced by Z11-Z14


def age_band(age: int) -> int:
    return 0 if age < 5 else 1 if age < 10 else 2 if age < 16 else 3


def p_missing(age: int, uasc: bool) -> float:
    if uasc:
        return 0.25
    return 0.02 if age < 10 else 0.08 if age < 13 else 0.18


# --- helpers -------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def fmt(day: date | None) -> str:
    """A 903 date, ``dd/mm/YYYY`` (blank for None); cached, as extracts repeat dates a lot."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def distinct_days(rng: random.Random, span: int, k: int) -> list[int]:
    """``k`` distinct sorted offsets in ``range(span)``; cheaper than ``rng.sample`` for small k."""
    if k > span:
        raise ValueError("more days than the span holds")
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.add(int(rng.random() * span))
    return sorted(chosen)


ETHNIC = {c.key: Choice(c.ethnic) for c in COMMUNITIES}


@lru_cache(maxsize=4096)
def settings(area: str, districts: tuple[str, ...], place: str) -> tuple[tuple[str, str], ...]:
    """Registered settings (URN, postcode) of one type in one area, the same in every extract."""
    rng = random.Random(f"settings:{area}:{place}")  # noqa: S311 - reproducible, not secret
    prefix = SETTING_URN[place]

    def urn() -> str:
        if prefix in ("X", ""):
            return prefix * 7
        return f"{prefix}{rng.randrange(100_000, 1_000_000)}"

    count = 25 if place == "K2" else 6
    return tuple((urn(), postcode(rng, districts)) for _ in range(count))


@lru_cache(maxsize=1024)
def agency_urn(kind: str, code: str) -> str:
    """URN of a council's fostering or adoption service, or of an independent agency."""
    rng = random.Random(f"{kind}:{code}")  # noqa: S311 - reproducible, not secret
    return f"SC{rng.randrange(100_000, 1_000_000)}"
