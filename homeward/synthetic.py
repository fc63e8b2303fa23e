"""Deterministic synthetic council extracts for the demo, the tests and the benchmarks.

One seeded ``random.Random`` and one ``today`` fix every byte. For each council the generator
makes children looked after (names from homeward.names, valid NHS numbers and UPNs), their
SSDA903 Header / Episodes / Missing rows, the identity extract and the postcode lookup, in the
formats of docs/design.md "Source formats". Councils differ on purpose (old and new SEX and
PLACE codes, a UTF-8 BOM, ISO dates, spaced NHS numbers, extra columns) so that every reader
path is exercised.

Nothing here is a real person: NHS numbers start 901-998 (one block per council), outside the
ranges issued to patients (England, Wales and Man 400-499 and 600-799 million, Scotland and
Northern Ireland below 400; 999 is the NHS test range); postcodes are random units inside real
districts; telephone numbers are in Ofcom's drama ranges; e-mail domains are example domains.
Council codes are ONS UTLA codes (Open Government Licence v3,
../shared/reference/ltla21_utla21_england_wales.csv).

Public API: Council, COUNCILS, council_by_code(), generate_council_extract(), generate_extracts(),
write_council_files(), pick_runaway(), pick_reporting_council(), found_person_record().
"""

import csv
import random
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from homeward._synthetic_children import (
    P_OUT_OF_AREA,
    Council,
    ExtractStyle,
    Generator,
    SyntheticChild,
    SyntheticEpisode,
    SyntheticMissing,
    SyntheticPerson,
)
from homeward._synthetic_codes import age, fmt, nhs_check_digit, pick, upn_check_letter

# fmt: off
__all__ = [
    "COUNCILS", "EPISODES_COLUMNS", "HEADER_COLUMNS", "IDENTITY_COLUMNS", "LOOKUP_COLUMNS",
    "MAX_CHILDREN", "MISSING_COLUMNS", "P_OUT_OF_AREA", "Council", "CouncilExtract",
    "CouncilFiles", "ExtractStyle", "Row", "SyntheticChild", "SyntheticEpisode",
    "SyntheticMissing", "SyntheticPerson", "council_by_code", "found_person_record",
    "generate_council_extract", "generate_extracts", "identity_columns", "nhs_check_digit",
    "pick_reporting_council", "pick_runaway", "postcode_lookup_rows", "upn_check_letter",
    "write_council_files",
]

Row = dict[str, str]

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES_COLUMNS = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)
MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
IDENTITY_COLUMNS = (
    "child_id", "nhs_number", "upn", "forename", "known_as", "surname", "former_surname", "dob",
    "sex", "postcode", "placement_authority",
)
LOOKUP_COLUMNS = ("postcode", "authority")
# fmt: on
MAX_CHILDREN = 500_000  # per council: child ids are six digits, NHS numbers one 9xx block

# code    | name             | LA no | NHS block (9xx) | duty phone (Ofcom drama range) | districts
_COUNCIL_TABLE = """
E08000025 | Birmingham       | 330 |  1 | 0121 496 0112 | B5 B6 B8 B10 B11 B13 B14 B21 B23 B31 B33 B44
E08000003 | Manchester       | 352 |  2 | 0161 496 0740 | M8 M9 M11 M12 M13 M14 M18 M19 M20 M22 M23 M40
E09000007 | Camden           | 202 |  3 | 020 7946 0315 | NW1 NW3 NW5 NW6 WC1H WC1N WC1X N6
E08000035 | Leeds            | 383 |  4 | 0113 496 0268 | LS6 LS7 LS8 LS9 LS10 LS11 LS12 LS13 LS14 LS15 LS17
E10000016 | Kent             | 886 |  5 | 01632 960421  | ME1 ME4 ME5 ME10 ME14 ME15 CT1 CT9 CT11 CT19 CT20 TN23 TN24 DA11 DA12
E08000012 | Liverpool        | 341 |  6 | 0151 496 0833 | L4 L5 L6 L7 L8 L11 L13 L15 L17 L19 L24 L25
E06000023 | Bristol, City of | 801 |  7 | 0117 496 0574 | BS1 BS2 BS3 BS4 BS5 BS6 BS7 BS10 BS11 BS13 BS14
E10000017 | Lancashire       | 888 |  8 | 01632 960687  | PR1 PR2 PR7 BB5 BB8 BB9 BB10 BB11 LA1 LA3 LA4 FY5 FY7 L39 L40
E10000012 | Essex            | 881 |  9 | 01632 960159  | CM1 CM2 CM7 CM20 CO1 CO2 CO4 CO15 SS13 SS14 SS15
E09000008 | Croydon          | 306 | 10 | 020 7946 0862 | CR0 CR2 CR7 CR8 SE25
"""  # noqa: E501 - a table reads best one council per line
_STYLES = {  # the first three councils alone cover old and new codes, BOM and ISO dates
    "E08000003": ExtractStyle(legacy_codes=True, spaced_nhs=True),
    "E09000007": ExtractStyle(bom=True, iso_dates=True, placement_column=True),
    "E08000035": ExtractStyle(legacy_codes=True, extra_columns=True),
    "E10000016": ExtractStyle(placement_column=True, spaced_nhs=True),
    "E08000012": ExtractStyle(iso_dates=True),
    "E06000023": ExtractStyle(legacy_codes=True),
    "E10000017": ExtractStyle(extra_columns=True),
    "E09000008": ExtractStyle(placement_column=True),
}


def _council(line: str) -> Council:
    code, name, la_number, block, phone, districts = (f.strip() for f in line.split("|"))
    slug = name.split(",")[0].lower()
    return Council(
        code=code,
        name=name,
        contact=f"Emergency Duty Team, {phone}, edt@{slug}.example.gov.uk",
        districts=tuple(districts.split()),
        la_number=la_number,
        id_block=int(block),
        style=_STYLES.get(code, ExtractStyle()),
    )


COUNCILS: tuple[Council, ...] = tuple(_council(ln) for ln in _COUNCIL_TABLE.strip().splitlines())


def council_by_code(code: str) -> Council:
    """The built-in council with this ONS code."""
    for candidate in COUNCILS:
        if candidate.code == code:
            return candidate
    raise KeyError(code)


@dataclass(frozen=True, slots=True)
class CouncilExtract:
    council: Council
    today: date
    children: tuple[SyntheticChild, ...]
    identities: list[Row]
    header: list[Row]
    episodes: list[Row]
    missing: list[Row]
    postcode_lookup: list[Row]


@dataclass(frozen=True, slots=True)
class CouncilFiles:
    header: Path
    episodes: Path
    missing: Path
    identities: Path
    postcode_lookup: Path

    @property
    def ssda903(self) -> tuple[Path, Path, Path]:
        return self.header, self.episodes, self.missing


# --- rows ---------------------------------------------------------------------------------------

_LEGACY_SEX = {"M": "1", "F": "2"}
_EXTRA_IDENTITY_COLUMNS = (  # a case system that exports more, in its own order
    *("surname", "forename", "known_as", "child_id", "dob", "sex", "ethnicity", "nhs_number"),
    *("upn", "former_surname", "postcode", "placement_authority", "team"),
)


def identity_columns(home: Council) -> tuple[str, ...]:
    """Column order of a council's identity extract."""
    return _EXTRA_IDENTITY_COLUMNS if home.style.extra_columns else IDENTITY_COLUMNS


def _identity_row(child: SyntheticChild, home: Council) -> Row:
    person, style = child.person, home.style
    nhs = person.nhs_number or ""
    row = {
        "child_id": person.child_id,
        "nhs_number": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs and style.spaced_nhs else nhs,
        "upn": person.upn,
        "forename": person.forename,
        "known_as": person.known_as or "",
        "surname": person.surname,
        "former_surname": person.former_surname or "",
        "dob": person.dob.isoformat() if style.iso_dates else fmt(person.dob),
        "sex": _LEGACY_SEX.get(person.sex, person.sex) if style.legacy_codes else person.sex,
        "postcode": person.postcode,
        "placement_authority": child.placed_in.code if style.placement_column else "",
    }
    if style.extra_columns:
        row["ethnicity"] = child.ethnic
        row["team"] = f"Children in Care {int(person.child_id) % 4 + 1}"
    return row


def _header_row(child: SyntheticChild, home: Council, today: date) -> Row:
    person = child.person
    mother, mc_dob = "", ""
    if person.sex == "F" and age(person.dob, today) >= 12:
        mother = "0"
        if age(person.dob, today) >= 14 and int(person.child_id) % 37 == 0:
            mother = "1"
            first_birth = person.dob.toordinal() + 13 * 365 + 200 + int(person.child_id) % 900
            mc_dob = fmt(date.fromordinal(min(today.toordinal(), first_birth)))
    sex = _LEGACY_SEX.get(person.sex, person.sex) if home.style.legacy_codes else person.sex
    return {
        "CHILD": person.child_id,
        "SEX": sex,
        "DOB": fmt(person.dob),
        "ETHNIC": child.ethnic,
        "UPN": person.upn,
        "MOTHER": mother,
        "MC_DOB": mc_dob,
    }


def _episode_row(child_id: str, e: SyntheticEpisode) -> Row:
    return {
        "CHILD": child_id,
        "DECOM": fmt(e.decom),
        "RNE": e.rne,
        "LS": e.ls,
        "CIN": e.cin,
        "PLACE": e.place,
        "PLACE_PROVIDER": e.provider,
        "DEC": fmt(e.dec),
        "REC": e.rec,
        "REASON_PLACE_CHANGE": e.reason_place_change,
        "HOME_POST": e.home_post,
        "PL_POST": e.pl_post,
        "URN": e.urn,
    }


def _missing_row(person: SyntheticPerson, m: SyntheticMissing) -> Row:
    return {
        "CHILD": person.child_id,
        "DOB": fmt(person.dob),
        "MISSING": m.kind,
        "MIS_START": fmt(m.start),
        "MIS_END": fmt(m.end),
    }


def postcode_lookup_rows(councils: Iterable[Council]) -> list[Row]:
    """District -> authority rows for these councils (each district in exactly one)."""
    owner: dict[str, str] = {}
    for c in councils:
        for district in c.districts:
            if owner.setdefault(district, c.code) != c.code:
                raise ValueError(f"postcode district {district} is in two councils")
    return [{"postcode": d, "authority": code} for d, code in owner.items()]


# --- public API -----------------------------------------------------------------------------------


def generate_council_extract(
    council: Council, n_children: int, rng: random.Random, others: Sequence[Council], *, today: date
) -> CouncilExtract:
    """``n_children`` children looked after by ``council``; about 40 % placed in ``others``.

    Dates are relative to ``today`` (ages 0-17, missing episodes within the last year). The
    postcode lookup covers ``council`` and ``others``.
    """
    if not 0 <= n_children <= MAX_CHILDREN:
        raise ValueError(f"n_children must be between 0 and {MAX_CHILDREN}")
    children = tuple(Generator(council, others, rng, today).children(n_children))
    return CouncilExtract(
        council=council,
        today=today,
        children=children,
        identities=[_identity_row(c, council) for c in children],
        header=[_header_row(c, council, today) for c in children],
        episodes=[_episode_row(c.person.child_id, e) for c in children for e in c.episodes],
        missing=[_missing_row(c.person, m) for c in children for m in c.missing],
        postcode_lookup=postcode_lookup_rows([council, *others]),
    )


def generate_extracts(
    councils: Sequence[Council], n_children: int, *, seed: int | str, today: date
) -> list[CouncilExtract]:
    """One extract per council, each from its own seeded stream (council order does not matter)."""
    return [
        generate_council_extract(
            c,
            n_children,
            random.Random(f"{seed}:{c.code}"),  # noqa: S311 - reproducible
            councils,
            today=today,
        )
        for c in councils
    ]


def write_council_files(extract: CouncilExtract, directory: Path) -> CouncilFiles:
    """Write ``903/{header,episodes,missing}.csv``, ``identities.csv``, ``postcode_lookup.csv``."""
    ssda903 = directory / "903"
    ssda903.mkdir(parents=True, exist_ok=True)
    files = CouncilFiles(
        ssda903 / "header.csv",
        ssda903 / "episodes.csv",
        ssda903 / "missing.csv",
        directory / "identities.csv",
        directory / "postcode_lookup.csv",
    )
    bom = extract.council.style.bom
    _write_csv(files.header, HEADER_COLUMNS, extract.header, bom=bom)
    _write_csv(files.episodes, EPISODES_COLUMNS, extract.episodes, bom=bom)
    _write_csv(files.missing, MISSING_COLUMNS, extract.missing, bom=bom)
    _write_csv(files.identities, identity_columns(extract.council), extract.identities, bom=bom)
    _write_csv(files.postcode_lookup, LOOKUP_COLUMNS, extract.postcode_lookup, bom=bom)
    return files


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Row], *, bom: bool) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if bom else "\n")
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in rows)


# --- the demo story ------------------------------------------------------------------------------


def pick_runaway(
    extracts: Sequence[CouncilExtract], rng: random.Random
) -> tuple[CouncilExtract, SyntheticPerson, Council]:
    """A teenager of council A placed in council B, whom a third council C can find.

    Avoids children with brothers or sisters in care, children already missing, and anyone who
    shares surname and date of birth with another child, so the demo's match is unambiguous.
    """
    known = {e.council.code for e in extracts} | {
        c.placed_in.code for e in extracts for c in e.children
    }
    twins = Counter((c.person.surname, c.person.dob) for e in extracts for c in e.children)
    candidates = [
        (e, c)
        for e in extracts
        for c in e.children
        if c.placed_in.code != e.council.code
        and len(known - {e.council.code, c.placed_in.code})
        and c.sibling_group is None
        and twins[(c.person.surname, c.person.dob)] == 1
        and all(m.end is not None for m in c.missing)
    ]
    teenagers = [(e, c) for e, c in candidates if age(c.person.dob, e.today) >= 12]
    if not candidates:
        raise ValueError("no child is placed out of area with a third council to find them")
    extract, child = pick(rng, teenagers or candidates)
    return extract, child.person, child.placed_in


def pick_reporting_council(
    councils: Sequence[Council], home: Council, placed_in: Council, rng: random.Random
) -> Council:
    """A council C that is neither the child's home council A nor the host council B."""
    choices = [c for c in councils if c.code not in (home.code, placed_in.code)]
    if not choices:
        raise ValueError("need a third council")
    return pick(rng, choices)


_ASCII_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss"})


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def found_person_record(person: SyntheticPerson, rng: random.Random) -> Row:
    """The child's identity as another council (the reporter) records it when they are found.

    Same child, recorded differently: first forename only or the known-as name, the former
    surname alone, accents dropped, apostrophes and hyphens lost, upper case, NHS number spaced
    or absent, UPN usually absent, ISO or 903 date, sex sometimes blank, postcode unspaced.
    The date of birth is always right. Keys are the identity extract columns.
    """
    forename = person.forename.split(" ")[0]
    if person.known_as and rng.random() < 0.5:
        forename = person.known_as
    surname = person.surname
    if person.former_surname and rng.random() < 0.3:
        surname = person.former_surname  # the name the child gives
    if rng.random() < 0.5:
        forename, surname = _ascii(forename), _ascii(surname)
    surname = surname.replace("'", "" if rng.random() < 0.6 else " ")
    if rng.random() < 0.3:
        surname = surname.replace("-", " ")
    if rng.random() < 0.6:
        surname = surname.upper()
    nhs = person.nhs_number if rng.random() < 0.6 else None
    postcode = person.postcode.replace(" ", "")
    if rng.random() < 0.2:
        postcode = postcode.lower()
    return {
        "child_id": f"MP{rng.randrange(1_000_000):06d}",
        "nhs_number": "" if nhs is None else f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
        "upn": person.upn if rng.random() < 0.15 else "",
        "forename": forename.upper() if rng.random() < 0.2 else forename,
        "known_as": "",
        "surname": surname,
        "former_surname": "",
        "dob": person.dob.isoformat() if rng.random() < 0.5 else fmt(person.dob),
        "sex": "" if rng.random() < 0.2 else person.sex,
        "postcode": "" if rng.random() < 0.3 else postcode,
        "placement_authority": "",
    }
