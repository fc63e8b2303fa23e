"""homeward.synthetic: deterministic, valid and realistic enough to exercise every reader path
and every linkage rule; one set of names behind the council extracts and the linkage benchmarks.

Identifier checks are written out independently here (not imported from the generator), so a
wrong recipe in the generator cannot pass its own test.
"""

import csv
import random
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward import synthetic
from homeward.synthetic import (
    COUNCILS,
    EPISODES_COLUMNS,
    HEADER_COLUMNS,
    MISSING_COLUMNS,
    CouncilExtract,
    council_by_code,
    found_person_record,
    generate_council_extract,
    generate_extracts,
    linkage,
    names,
    pick_reporting_council,
    pick_runaway,
    write_council_files,
)

TODAY = date(2025, 6, 30)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
OLD_PLACE_CODES = {"H5", "P2", "Z1"}
BIRMINGHAM, MANCHESTER, CAMDEN, LEEDS = "E08000025", "E08000003", "E09000007", "E08000035"
LINKAGE_KNOWN_ANSWER = "4f42adbb7d059832"  # sha256 prefix, seed 2


def nhs_valid(number: str) -> bool:
    """NHS Digital: weights 10..2 over the first nine digits, 11 - (sum mod 11), 11 -> 0."""
    if len(number) != 10 or not number.isdigit():
        return False
    remainder = sum(int(number[i]) * (10 - i) for i in range(9)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


def upn_valid(upn: str) -> bool:
    """DfE: characters 2..13 weighted by their position, sum mod 23 indexes the check letters."""
    if len(upn) != 13 or not upn[1:12].isdigit():
        return False
    total = 0
    for position in range(2, 14):
        ch = upn[position - 1]
        value = int(ch) if ch.isdigit() else UPN_LETTERS.index(ch)
        total += position * value
    return upn[0] == UPN_LETTERS[total % 23]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def share(part: int, whole: int) -> float:
    return part / whole


@pytest.fixture(scope="module")
def extracts() -> list[CouncilExtract]:
    return generate_extracts(COUNCILS, 1000, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def by_code(extracts: list[CouncilExtract]) -> dict[str, CouncilExtract]:
    return {e.council.code: e for e in extracts}


# --- determinism and files ---------------------------------------------------------------------


def write_all(extracts: list[CouncilExtract], root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for extract in extracts:
        directory = root / extract.council.code
        write_council_files(extract, directory)
        for path in sorted(directory.rglob("*.csv")):
            out[str(path.relative_to(root))] = path.read_bytes()
    return out


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = write_all(generate_extracts(COUNCILS[:4], 300, seed=11, today=TODAY), tmp_path / "a")
    again = write_all(generate_extracts(COUNCILS[:4], 300, seed=11, today=TODAY), tmp_path / "b")
    assert len(first) == 4 * 5
    assert first == again


def test_other_seed_other_children() -> None:
    one = generate_extracts(COUNCILS[:1], 100, seed=1, today=TODAY)[0]
    two = generate_extracts(COUNCILS[:1], 100, seed=2, today=TODAY)[0]
    assert one.identities != two.identities


def test_council_order_is_immaterial() -> None:
    forward = generate_extracts(COUNCILS, 50, seed=3, today=TODAY)
    backward = generate_extracts(COUNCILS[::-1], 50, seed=3, today=TODAY)[::-1]
    assert [e.children for e in forward] == [e.children for e in backward]


def test_file_layout_and_exact_903_headers(
    tmp_path: Path, by_code: dict[str, CouncilExtract]
) -> None:
    files = write_council_files(by_code[BIRMINGHAM], tmp_path)
    assert files.header == tmp_path / "903" / "header.csv"
    assert files.episodes == tmp_path / "903" / "episodes.csv"
    assert files.missing == tmp_path / "903" / "missing.csv"
    assert files.identities == tmp_path / "identities.csv"
    assert files.postcode_lookup == tmp_path / "postcode_lookup.csv"
    first_lines = {p.name: p.read_bytes().split(b"\n", 1)[0] for p in files.ssda903}
    assert first_lines == {
        "header.csv": b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "episodes.csv": b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
        b"REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
        "missing.csv": b"CHILD,DOB,MISSING,MIS_START,MIS_END",
    }
    assert files.identities.read_bytes().startswith(
        b"child_id,nhs_number,upn,forename,known_as,surname,former_surname,dob,sex,postcode,"
        b"placement_authority\n"
    )
    assert files.postcode_lookup.read_bytes().startswith(b"postcode,authority\n")


def test_bom_only_on_the_bom_council(tmp_path: Path, extracts: list[CouncilExtract]) -> None:
    for extract in extracts:
        files = write_council_files(extract, tmp_path / extract.council.code)
        for path in (*files.ssda903, files.identities, files.postcode_lookup):
            data = path.read_bytes()
            assert data.startswith(b"\xef\xbb\xbf") == (extract.council.code == CAMDEN), path
    camden = (tmp_path / CAMDEN / "903" / "header.csv").read_bytes()
    assert camden.startswith("\ufeffCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n".encode())


def test_written_rows_round_trip(tmp_path: Path, by_code: dict[str, CouncilExtract]) -> None:
    extract = by_code[CAMDEN]
    files = write_council_files(extract, tmp_path)
    assert read_rows(files.episodes) == extract.episodes
    assert read_rows(files.identities) == extract.identities
    assert read_rows(files.missing) == extract.missing


# --- identifiers -------------------------------------------------------------------------------


def test_nhs_numbers_valid_unique_and_sometimes_missing(extracts: list[CouncilExtract]) -> None:
    people = [c.person for e in extracts for c in e.children]
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert all(nhs_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)  # also across councils
    assert all(n.startswith("9") and not n.startswith("999") for n in numbers)
    assert 0.06 < share(len(people) - len(numbers), len(people)) < 0.14


def test_upns_have_valid_check_letters(extracts: list[CouncilExtract]) -> None:
    upns = [c.person.upn for e in extracts for c in e.children]
    unknown = [u for u in upns if u.startswith("UN")]
    assert set(unknown) <= {"UN1", "UN2", "UN3", "UN4", "UN5"}
    assert 0.06 < share(len(unknown), len(upns)) < 0.15
    real = [u for u in upns if not u.startswith("UN")]
    assert all(upn_valid(u) for u in real)
    assert any(u[12].isalpha() for u in real)  # temporary UPNs occur too


def test_known_upn_check_letter() -> None:
    # Worked by hand: 2*8+3*2+4*0+5*2+6*0+7*0+8*1+9*2+10*0+11*0+12*0+13*1 = 71; 71 mod 23 = 2 -> C
    assert synthetic.upn_check_letter("820200120001") == "C"
    assert upn_valid("C820200120001")


def test_known_nhs_check_digit() -> None:
    assert synthetic.nhs_check_digit("943476591") == 9  # NHS Digital's documented example
    assert nhs_valid("9434765919")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_identifiers_valid_for_any_seed(seed: int) -> None:
    extract = generate_council_extract(COUNCILS[0], 40, random.Random(seed), COUNCILS, today=TODAY)
    for child in extract.children:
        person = child.person
        assert person.nhs_number is None or nhs_valid(person.nhs_number)
        assert person.upn.startswith("UN") or upn_valid(person.upn)
        assert person.dob <= TODAY and 0 <= age_on(person.dob, TODAY) <= 17


# --- people ------------------------------------------------------------------------------------


def test_ages_and_unknown_day_convention(extracts: list[CouncilExtract]) -> None:
    people = [c.person for e in extracts for c in e.children]
    ages = Counter(age_on(p.dob, TODAY) for p in people)
    assert set(ages) <= set(range(18)) and {0, 17} <= set(ages)
    assert sum(p.dob.day == 15 for p in people) > len(people) / 31 * 1.3  # more 15ths than chance


def test_names_carry_real_world_spelling(extracts: list[CouncilExtract]) -> None:
    people = [c.person for e in extracts for c in e.children]
    surnames = [p.surname for p in people]
    assert any("'" in s for s in surnames)
    assert any("-" in s for s in surnames)
    assert any(not (p.forename + p.surname).isascii() for p in people)
    assert any(p.known_as for p in people) and any(p.former_surname for p in people)
    assert any(" " in p.forename for p in people)  # middle names
    assert len(set(surnames)) > 80


def test_sex_codes_old_and_new(by_code: dict[str, CouncilExtract]) -> None:
    legacy = {r["SEX"] for r in by_code[MANCHESTER].header}
    current = {r["SEX"] for r in by_code[BIRMINGHAM].header}
    assert legacy == {"1", "2"}
    assert {"M", "F"} <= current <= {"M", "F", "U"}


def test_postcodes_in_the_council_area(extracts: list[CouncilExtract]) -> None:
    for extract in extracts:
        districts = set(extract.council.districts)
        assert all(c.person.postcode.split(" ")[0] in districts for c in extract.children)


# --- 903 tables ----------------------------------------------------------------------------------


def test_every_child_in_every_table(extracts: list[CouncilExtract]) -> None:
    for extract in extracts:
        header = {r["CHILD"] for r in extract.header}
        identities = {r["child_id"] for r in extract.identities}
        assert len(header) == len(extract.header) == 1000
        assert {r["CHILD"] for r in extract.episodes} == header == identities
        assert {r["CHILD"] for r in extract.missing} <= header


def test_episodes_abut_and_only_the_last_is_open(extracts: list[CouncilExtract]) -> None:
    for extract in extracts:
        for child in extract.children:
            episodes = child.episodes
            assert 1 <= len(episodes) <= 3
            assert episodes[0].rne == "S" and episodes[-1].dec is None
            assert episodes[0].decom >= child.person.dob
            for before, after in pairwise(episodes):
                assert before.dec == after.decom and before.decom < before.dec
                assert before.rec == "X1"
            assert episodes[-1].decom <= TODAY


def test_episode_codes(by_code: dict[str, CouncilExtract], extracts: list[CouncilExtract]) -> None:
    rows = [r for e in extracts for r in e.episodes]
    assert {r["RNE"] for r in rows} <= set("SLPTBU")
    assert {r["LS"] for r in rows} >= {"C1", "C2", "V2", "E1", "J2"}
    assert {r["CIN"] for r in rows} <= {f"N{i}" for i in range(1, 9)}
    assert {r["PLACE_PROVIDER"] for r in rows} == {"", "PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}
    assert all(r["PL_POST"] and r["HOME_POST"] for r in rows)
    places = {r["PLACE"] for r in rows}
    assert places >= OLD_PLACE_CODES and "K3" in places
    current = by_code[BIRMINGHAM].episodes
    assert not {"H5", "P2"} & {r["PLACE"] for r in current if decom(r) >= date(2024, 4, 1)}
    assert "Z1" not in {r["PLACE"] for r in current if decom(r) >= date(2025, 4, 1)}
    assert "K3" not in {r["PLACE"] for r in by_code[MANCHESTER].episodes}  # legacy system


def decom(row: dict[str, str]) -> date:
    day, month, year = map(int, row["DECOM"].split("/"))
    return date(year, month, day)


def test_about_forty_percent_placed_out_of_area(by_code: dict[str, CouncilExtract]) -> None:
    extract = by_code[LEEDS]
    lookup = {r["postcode"]: r["authority"] for r in extract.postcode_lookup}
    out = 0
    for child in extract.children:
        open_episode = child.episodes[-1]
        area = lookup[open_episode.pl_post.split(" ")[0]]
        assert area == open_episode.area == child.placed_in.code
        out += area != LEEDS
    assert 0.35 < share(out, len(extract.children)) < 0.45


def test_missing_episodes(extracts: list[CouncilExtract]) -> None:
    children = [c for e in extracts for c in e.children]
    missing = [c for c in children if c.missing]
    assert 0.07 < share(len(missing), len(children)) < 0.14
    assert any(m.end is None for c in missing for m in c.missing)
    assert {m.kind for c in missing for m in c.missing} == {"M", "A"}
    for child in missing:
        assert 1 <= len(child.missing) <= 3
        assert all(m.end is not None for m in child.missing[:-1])
        for m in child.missing:
            assert (TODAY - m.start).days <= 365 and m.start >= child.episodes[0].decom
            assert m.end is None or m.start <= m.end <= TODAY
        for before, after in pairwise(child.missing):
            assert before.end is not None and before.end < after.start


def test_missing_rows_repeat_the_header_dob(by_code: dict[str, CouncilExtract]) -> None:
    extract = by_code[BIRMINGHAM]
    dob = {r["CHILD"]: r["DOB"] for r in extract.header}
    assert extract.missing and all(dob[r["CHILD"]] == r["DOB"] for r in extract.missing)


def test_postcode_lookup_covers_every_council_once(extracts: list[CouncilExtract]) -> None:
    lookup = extracts[0].postcode_lookup
    districts = [r["postcode"] for r in lookup]
    assert len(districts) == len(set(districts))
    assert {r["authority"] for r in lookup} == {c.code for c in COUNCILS}


def test_council_codes_are_ons_upper_tier_codes(shared_dir: Path) -> None:
    reference = shared_dir / "reference" / "ltla21_utla21_england_wales.csv"
    if not reference.exists():
        pytest.skip("ONS reference data not present")
    utla = {r["UTLA21CD"]: r["UTLA21NM"] for r in read_rows(reference)}
    for council in COUNCILS:
        assert utla[council.code] == council.name
    assert council_by_code(BIRMINGHAM).name == "Birmingham"


# --- the demo story ------------------------------------------------------------------------------


def test_pick_runaway(extracts: list[CouncilExtract]) -> None:
    rng = random.Random(5)
    home, person, placed_in = pick_runaway(extracts, rng)
    child = next(c for c in home.children if c.person == person)
    assert placed_in.code != home.council.code
    assert child.placed_in == placed_in and child.episodes[-1].area == placed_in.code
    assert child.sibling_group is None and age_on(person.dob, TODAY) >= 12
    finder = pick_reporting_council(COUNCILS, home.council, placed_in, rng)
    assert finder.code not in (home.council.code, placed_in.code)
    assert pick_runaway(extracts, random.Random(5))[1] == person


def test_found_record_is_the_same_child_written_differently(extracts: list[CouncilExtract]) -> None:
    people = [c.person for e in extracts for c in e.children][:400]
    records = [found_person_record(p, random.Random(i)) for i, p in enumerate(people)]
    for person, record in zip(people, records, strict=True):
        assert set(record) == set(synthetic.IDENTITY_COLUMNS)
        assert record["dob"] in (person.dob.isoformat(), person.dob.strftime("%d/%m/%Y"))
        nhs = record["nhs_number"].replace(" ", "")
        assert nhs in ("", person.nhs_number)
        assert record["postcode"].upper() in ("", person.postcode.replace(" ", ""))
    assert sum(r["surname"].isupper() for r in records) > 100
    assert any(" " in r["nhs_number"] for r in records)
    assert any(r["nhs_number"] == "" for r in records)
    assert any(r["dob"][4] == "-" for r in records)
    with_known_as = [(p, r) for p, r in zip(people, records, strict=True) if p.known_as]
    assert any(r["forename"] == p.known_as for p, r in with_known_as)


def test_pick_runaway_needs_a_third_council() -> None:
    pair = generate_extracts(COUNCILS[:2], 50, seed=1, today=TODAY)
    with pytest.raises(ValueError, match="third council"):
        pick_runaway(pair, random.Random(1))


def test_rejects_impossible_sizes() -> None:
    with pytest.raises(ValueError):
        generate_council_extract(COUNCILS[0], -1, random.Random(1), COUNCILS, today=TODAY)
    with pytest.raises(ValueError):
        generate_council_extract(
            COUNCILS[0], synthetic.MAX_CHILDREN + 1, random.Random(1), COUNCILS, today=TODAY
        )


def test_column_constants_match_domain_notes() -> None:
    assert HEADER_COLUMNS == ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
    assert MISSING_COLUMNS == ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
    assert EPISODES_COLUMNS[0] == "CHILD" and len(EPISODES_COLUMNS) == 13


# --- one generator: the linkage front end and the shared names -----------------------------------


def test_linkage_benchmark_is_deterministic_and_pinned() -> None:
    import hashlib
    import json

    first = linkage.generate(linkage.Spec(left=400, right=400, overlap=0.1, seed=2))
    again = linkage.generate(linkage.Spec(left=400, right=400, overlap=0.1, seed=2))
    assert first == again
    blob = json.dumps([first.left, first.right, first.truth], sort_keys=True).encode()
    # Known answer: changing the generator's draws changes every benchmark; do it on purpose.
    assert hashlib.sha256(blob).hexdigest()[:16] == LINKAGE_KNOWN_ANSWER


def test_linkage_ground_truth() -> None:
    spec = linkage.Spec(left=2000, right=1000, overlap=0.1, seed=4)
    bench = linkage.generate(spec)
    left = {r["id"]: r for r in bench.left}
    right = {r["id"]: r for r in bench.right}
    assert len(left) == 2000 and len(right) == 1000
    assert len(bench.truth) == 100 and len(set(bench.truth)) == 100
    assert all(a in left and b in right for a, b in bench.truth)
    assert bench.id_pairs <= set(bench.truth)
    assert all(set(r) == set(linkage.COLUMNS) for r in bench.left + bench.right)
    assert all(nhs_valid(r["nhs_number"].replace(" ", "")) for r in bench.left if r["nhs_number"])
    assert all(upn_valid(r["upn"]) for r in bench.left if r["upn"])


def test_linkage_population_has_twins_and_asylum_seekers() -> None:
    bench = linkage.generate(linkage.Spec(left=3000, right=10, overlap=0.0, seed=6))
    by_family = Counter((r["surname"].upper(), r["dob"]) for r in bench.left)
    assert any(n >= 2 for n in by_family.values())  # twins (or namesakes born the same day)
    assert sum(r["dob"].endswith("-01-01") for r in bench.left) > 3000 / 365 * 3


def test_both_front_ends_draw_from_the_same_name_tables(extracts: list[CouncilExtract]) -> None:
    surnames = {s for c in names.COMMUNITIES for s in names.tables(c).surnames.values}
    forenames = {
        f for c in names.COMMUNITIES for sex in "MF" for f in names.tables(c).forenames(sex).values
    }
    children = [c.person for e in extracts for c in e.children]
    for person in children:
        parts = person.surname.replace("-", " ").split()
        assert all(masculine(part) in surnames for part in parts), person.surname
        assert person.forename.split(" ")[0] in forenames
    bench = linkage.generate(linkage.Spec(left=500, right=10, overlap=0.0, seed=1))
    upper = {s.upper() for s in surnames}
    written = [r["surname"].strip().upper() for r in bench.left]
    assert sum(s in upper for s in written) > 400  # the rest: accents dropped, double-barrelled


def masculine(surname: str) -> str:
    """Kowalska -> Kowalski (the table holds the family's form)."""
    return surname[:-1] + "i" if surname.endswith(("ska", "cka")) else surname


def test_names_have_a_long_tail(extracts: list[CouncilExtract]) -> None:
    people = [c.person for e in extracts for c in e.children]
    top = Counter(p.surname for p in people).most_common(1)[0][1]
    assert top / len(people) < 0.03  # Smith is about 1 % of people, not 7 %
    assert len({p.surname for p in people}) > len(people) / 5


def test_the_hardened_benchmark_looks_like_police_reports() -> None:
    """Most reports carry no identifier, many only a postcode district or an age (1 January),
    children are reported several times, and the default benchmark is unchanged by the knobs."""
    from collections import Counter

    from homeward.synthetic import linkage as synth

    hard = synth.generate(synth.hardened(3000, 3000, 0.10, seed=7))
    right = hard.right
    with_id = sum(bool(r["nhs_number"] or r["upn"]) for r in right) / len(right)
    district_only = sum(0 < len(r["postcode"].replace(" ", "")) <= 4 for r in right) / len(right)
    first_january = sum(r["dob"].endswith("-01-01") for r in right) / len(right)
    repeats = Counter(left for left, _ in hard.truth)
    assert with_id < 0.35
    assert district_only > 0.2
    assert first_january > 0.1
    assert max(repeats.values()) >= 2
    assert len(hard.truth) == 300
    plain = synth.generate(synth.Spec(left=500, right=500, seed=3))
    assert plain == synth.generate(synth.Spec(left=500, right=500, seed=3, police_share=0.0))
    assert all(c == 1 for c in Counter(left for left, _ in plain.truth).values())
