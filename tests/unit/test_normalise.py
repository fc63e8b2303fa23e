"""Identifier normalisation (match-key specification v1)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import normalise


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("Zoë O'Connor-Smith", ("ZOE", "OCONNOR", "SMITH")),
        ("  amelia  ", ("AMELIA",)),
        ("D\u2019Arcy", ("DARCY",)),
        ("Łukasz", ("LUKASZ",)),
        ("Dąbrowski", ("DABROWSKI",)),
        ("Ştefan", ("STEFAN",)),
        ("Søren Æsir", ("SOREN", "AESIR")),
        ("Groß", ("GROSS",)),
        ("Xin Yi", ("XIN", "YI")),
        ("Baby", ()),
        ("Not known", ()),
        ("Twin 1", ()),
        ("TBC", ()),
        ("", ()),
    ],
)
def test_name_tokens(raw: str, tokens: tuple[str, ...]) -> None:
    assert normalise.name_tokens(raw) == tokens


def test_forename_variants_first_second_known_as_and_groups() -> None:
    assert normalise.forename_variants("Mary Jane") == ("MARY", "JANE")
    assert normalise.forename_variants("J. Michael") == ("MICHAEL",)
    assert normalise.forename_variants("Alexander", "Alfie") == ("ALEXANDER", "ALFIE", "ALFRED")
    assert normalise.forename_variants("Alex") == ("ALEX", "ALEXANDER", "ALEXANDRA")
    assert normalise.forename_variants("Mohammed") == ("MOHAMMED", "MUHAMMAD")
    assert normalise.forename_variants("Amelia", "amelia") == ("AMELIA",)
    assert normalise.forename_variants(None, None) == ()
    assert len(normalise.forename_variants("Sam Alex", "Bill")) == normalise.MAX_FORENAMES


def test_linking_forenames_leave_out_a_forename_that_is_only_a_middle_name() -> None:
    assert normalise.forename_forms("Mary Jane") == (("MARY", "JANE"), ("MARY",))
    assert normalise.forename_forms("Jack Alfie")[1] == ("JACK",)  # nor its group form ALFRED
    assert normalise.forename_forms("Mary Jane", "Jane")[1] == ("MARY", "JANE")  # known as
    assert normalise.forename_forms("Tom Thomas")[1] == ("TOM", "THOMAS")  # TOM's group form
    assert normalise.forename_forms("Alex Sandy")[1] == ("ALEX", "ALEXANDER", "ALEXANDRA")
    assert normalise.forename_forms("J. Michael")[1] == ("MICHAEL",)  # an initial is skipped


def test_surname_variants_parts_particles_and_former() -> None:
    assert normalise.surname_variants("Smith-Jones") == ("SMITHJONES", "SMITH", "JONES")
    assert normalise.surname_variants("Smith Jones") == ("SMITHJONES", "SMITH", "JONES")
    assert normalise.surname_variants("van der Berg") == ("VANDERBERG", "BERG")
    assert normalise.surname_variants("al-Rashid") == ("ALRASHID", "RASHID")
    assert normalise.surname_variants("O'Brien", "Baker") == ("OBRIEN", "BAKER")
    assert normalise.surname_variants("Unknown") == ()
    assert len(normalise.surname_variants("Ash-Bell-Cole", "Dee-Eve")) == normalise.MAX_SURNAMES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("9434765918", None),  # wrong check digit
        ("1111111111", None),  # passes modulus 11 but is a placeholder
        ("0000000000", None),
        ("943476591", None),
        ("94347659190", None),
        ("\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19", None),  # full-width digits
        ("", None),
        (None, None),
    ],
)
def test_nhs_number_modulus_11(raw: str | None, expected: str | None) -> None:
    assert normalise.nhs_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A123456789012", "A123456789012"),
        ("a12345678901 2", "A123456789012"),
        ("P80120112345A", "P80120112345A"),  # temporary UPN: letter last
        ("B123456789012", None),  # wrong check letter
        ("I123456789012", None),
        ("P80120112345I", None),  # I is not a check letter
        ("UN1", None),
        ("UN5", None),
        ("", None),
    ],
)
def test_upn_check_letter_and_unknown_codes(raw: str, expected: str | None) -> None:
    assert normalise.upn(raw) == expected


def test_upn_check_letter_is_the_dfe_modulus_23() -> None:
    tail = "801201123456"
    total = sum(w * int(c) for w, c in zip(range(2, 14), tail, strict=True))
    assert normalise.upn_check_letter(tail) == normalise.UPN_CHECK_LETTERS[total % 23]


@pytest.mark.parametrize(
    ("raw", "unit", "sector", "district"),
    [
        ("B1 1AA", "B11AA", "B11", "B1"),
        ("b11aa", "B11AA", "B11", "B1"),
        ("SW1A 1AA", "SW1A1AA", "SW1A1", "SW1A"),
        (" ec1a  1bb ", "EC1A1BB", "EC1A1", "EC1A"),
        ("M1 1AE", "M11AE", "M11", "M1"),
    ],
)
def test_postcode_unit_sector_district(raw: str, unit: str, sector: str, district: str) -> None:
    assert normalise.postcode(raw) == normalise.Postcode(unit, sector, district)


@pytest.mark.parametrize("raw", ["NFA", "ABC", "B1", "12345", "", None])
def test_postcode_rejects_what_is_not_a_uk_postcode(raw: str | None) -> None:
    assert normalise.postcode(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2010-04-17", "20100417"),
        (date(2010, 4, 17), "20100417"),
        ("2012-06-15", "20120615"),
        ("2009-02-30", None),
        ("17/04/2010", None),
        ("1900-01-01", None),
        ("", None),
        (None, None),
    ],
)
def test_dob(raw: str | date | None, expected: str | None) -> None:
    assert normalise.dob(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M", "M"),
        ("f", "F"),
        ("1", "M"),
        ("2", "F"),
        ("Female", "F"),
        (" male ", "M"),
        ("U", None),
        ("0", None),
        ("9", None),
        ("", None),
        (None, None),
    ],
)
def test_sex(raw: str | None, expected: str | None) -> None:
    assert normalise.sex(raw) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ROBERT", "R163"),
        ("RUPERT", "R163"),
        ("ASHCRAFT", "A261"),
        ("TYMCZAK", "T522"),
        ("PFISTER", "P236"),
        ("HONEYMAN", "H555"),
        ("MOHAMMED", "M530"),
        ("MUHAMMAD", "M530"),
        ("LEE", "L000"),
    ],
)
def test_soundex(name: str, code: str) -> None:
    assert normalise.soundex(name) == code


def test_opaque_id_for_foreign_benchmark_data() -> None:
    assert normalise.opaque_id(" 43-67 894 ") == "4367894"
    assert normalise.opaque_id("12") is None


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëłø", min_size=2, max_size=12)


@given(
    st.lists(_names, min_size=1, max_size=3),
    st.sampled_from([" ", "-", "  ", " - "]),
    st.sampled_from([str.upper, str.lower, str.title]),
    st.booleans(),
)
def test_formatting_never_changes_name_tokens(
    parts: list[str], sep: str, case: object, padded: bool
) -> None:
    plain = normalise.name_tokens(" ".join(parts))
    styled = case(sep.join(parts))  # type: ignore[operator]
    assert normalise.name_tokens(f"  {styled} " if padded else styled) == plain
