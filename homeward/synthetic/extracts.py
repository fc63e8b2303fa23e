"""Council extracts: SSDA903 Header / Episodes / Missing, the identity extract and the postcode
lookup, in the formats of docs/design.md "Source formats", each council in its own style
(homeward.synthetic.councils).

``generate_extracts`` gives each council its own seeded stream, so council order does not
matter; ``write_council_files`` writes the CSV files a connector reads.
"""

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from homeward.synthetic.children import (
    Generator,
    SyntheticChild,
    SyntheticEpisode,
    SyntheticMissing,
    SyntheticPerson,
)
from homeward.synthetic.codes import age, fmt
from homeward.synthetic.councils import Council
from homeward.synthetic.identifiers import spaced_nhs

# fmt: off
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
        "nhs_number": spaced_nhs(nhs) if nhs and style.spaced_nhs else nhs,
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
