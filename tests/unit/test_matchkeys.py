"""Match keys v1: the published vectors, and invariants of the keys and the link they allow."""

from datetime import date
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from connectors import matchkeys, normalise
from connectors.matchkeys import KEY_TYPES, Tokeniser, key_values, match_keys, normalise_identity
from homeward.linkage.evaluate import rekey
from hub.linking.candidates import MemoryCandidateIndex
from hub.linking.decide import WEAK_KEYS, decide
from keys import HubKey, SharedKeyring
from tests.conftest import load_vectors

VECTORS = load_vectors("matchkeys_v1")
CASES = VECTORS["cases"]
FIXED_HUB_KEY = HubKey(bytes(range(32)))


def _keyring() -> SharedKeyring:
    return SharedKeyring({int(e): bytes.fromhex(s) for e, s in VECTORS["secrets"].items()})


def _normalised(raw: dict[str, str]) -> matchkeys.Identity:
    return normalise_identity(**raw)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vectors_normalised_fields(case: dict[str, Any]) -> None:
    found = _normalised(case["raw"])
    want = case["normalised"]
    assert list(found.forenames) == want["forenames"]
    assert list(found.linking_forenames) == want["linking_forenames"]
    assert list(found.surnames) == want["surnames"]
    assert (found.dob, found.sex, found.nhs_number, found.upn) == (
        want["dob"],
        want["sex"],
        want["nhs_number"],
        want["upn"],
    )
    postcode = found.postcode
    assert (
        None
        if postcode is None
        else {"unit": postcode.unit, "sector": postcode.sector, "district": postcode.district}
    ) == want["postcode"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vectors_key_values_and_tokens_bit_for_bit(case: dict[str, Any]) -> None:
    identity = _normalised(case["raw"])
    deriver = _keyring().deriver(case["epoch"])
    assert [{"type": t, "value": v} for t, v in key_values(identity)] == [
        {"type": k["type"], "value": k["value"]} for k in case["keys"]
    ]
    expected = [(k["type"], k["token"]) for k in case["keys"]]
    assert Tokeniser(deriver)(identity) == expected
    assert [(t.key_type, t.value) for t in match_keys(identity, deriver)] == expected
    assert {t.epoch for t in match_keys(identity, deriver)} <= {case["epoch"]}


def test_vectors_subkeys() -> None:
    keyring = _keyring()
    for epoch, subkeys in VECTORS["subkeys"].items():
        deriver = keyring.deriver(int(epoch))
        assert {t: deriver.subkey(t).hex() for t in KEY_TYPES} == subkeys


def test_vectors_cover_every_key_type() -> None:
    assert {k["type"] for c in CASES for k in c["keys"]} == set(KEY_TYPES)


def test_day_month_swap_shares_only_the_year_key() -> None:
    by_name = {c["name"]: {k["type"]: k["token"] for k in c["keys"]} for c in CASES}
    a = by_name["day and month as recorded"]
    b = by_name["day and month swapped"]
    assert {t for t in a if a[t] == b.get(t)} == {"name_yob_district_common"}  # Oliver Smith


# rows 3, 5 and 6 of docs/matchkeys.md §3: never made from a forename that is only a middle name
MIDDLE_NAME_FREE = frozenset(
    {"name_dob", "name_dob_common", "fore_dob_district", "name_yob_district"}
) | {"name_yob_district_common"}


def _shared(one: str, other: str) -> set[str]:
    """Key types on which two vector cases agree."""
    by_name = {c["name"]: {(k["type"], k["token"]) for k in c["keys"]} for c in CASES}
    return {t for t, _ in by_name[one] & by_name[other]}


def test_a_twin_named_after_the_middle_name_shares_no_linking_key() -> None:
    twin = "twin named after that middle name: shares no linking key"
    shared = _shared("middle name only: no linking key from it", twin)
    assert shared == {"phon_dob_sex", "surname_dob_sex", "name_partial_dob"}  # review at most
    known_as = _shared("middle name that is also the known-as name: linking keys", twin)
    assert {"name_dob", "fore_dob_district", "name_yob_district"} <= known_as


def test_common_forename_and_surname_get_the_weak_key_types() -> None:
    common = normalise_identity(
        forename="Mohammed", surname="Khan", dob="2012-03-04", sex="M", postcode="B1 1AA"
    )
    types = [t for t, _ in key_values(common)]
    assert "name_dob" not in types and "name_yob_district" not in types
    assert {"name_dob_common", "name_yob_district_common"} <= set(types)
    rare = normalise_identity(forename="Mohammed", surname="Okafor", dob="2012-03-04")
    assert {t for t, _ in key_values(rare)} == {"name_dob", "name_partial_dob"}


def test_estimated_birthday_keeps_only_year_keys() -> None:
    identity = normalise_identity(
        forename="Omid", surname="Ahmadi", dob="2009-01-01", sex="M", postcode="CT1 1AA"
    )
    assert [(t, v) for t, v in key_values(identity)] == [
        ("name_yob_district", "OMID|AHMADI|2009|CT1"),
        ("name_partial_dob", "OMID|AHMADI|2009"),  # review only: no district needed
    ]


def test_review_only_keys_catch_a_forename_typo_and_a_year_typo() -> None:
    child = {"forename": "Delilah", "surname": "Ostelbury", "dob": "2009-06-23", "sex": "F"}
    typo = normalise_identity(**dict(child, forename="Delilab"))
    year = normalise_identity(**dict(child, dob="2010-06-23"))
    keys = dict(key_values(normalise_identity(**child)))
    assert dict(key_values(typo))["surname_dob_sex"] == keys["surname_dob_sex"]
    assert dict(key_values(year))["name_partial_dob"] == keys["name_partial_dob"]
    assert set(matchkeys.REVIEW_ONLY_KEY_TYPES) == set(WEAK_KEYS)  # the hub never links on them


# Hypothesis: invariants over generated children.

_name = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWYZ", min_size=3, max_size=10)
_child = st.fixed_dictionaries(
    {
        "forename": _name,
        "surname": _name,
        "dob": st.dates(date(1990, 1, 1), date(2026, 12, 31)).map(date.isoformat),
        "sex": st.sampled_from(["M", "F", ""]),
        "postcode": st.sampled_from(["B1 1AA", "LS6 2AB", "M1 1AE", ""]),
    }
)


def _restyle(raw: dict[str, str], style: int) -> dict[str, str]:
    """The same child as another council formats it."""
    out = dict(raw)
    out["forename"] = [str.lower, str.title, str.upper][style % 3](raw["forename"]) + " "
    out["surname"] = " " + [str.upper, str.lower, str.title][style % 3](raw["surname"])
    out["sex"] = {"M": "1", "F": "2", "": ""}[raw["sex"]] if style % 2 else raw["sex"]
    out["postcode"] = raw["postcode"].lower().replace(" ", "") if style % 2 else raw["postcode"]
    return out


@settings(max_examples=60, deadline=None)
@given(_child, st.integers(0, 5))
def test_same_child_formatted_differently_gets_the_same_tokens(
    raw: dict[str, str], style: int
) -> None:
    tokenise = Tokeniser(SharedKeyring({1: bytes(32)}).deriver())
    assert tokenise(normalise_identity(**raw)) == tokenise(
        normalise_identity(**_restyle(raw, style))
    )


@settings(max_examples=40, deadline=None)
@given(_child)
def test_another_epoch_shares_no_token(raw: dict[str, str]) -> None:
    keyring = SharedKeyring({1: bytes(32), 2: bytes(range(32))})
    identity = normalise_identity(**raw)
    one = {v for _, v in Tokeniser(keyring.deriver(1))(identity)}
    two = {v for _, v in Tokeniser(keyring.deriver(2))(identity)}
    assert one.isdisjoint(two)


@settings(max_examples=60, deadline=None)
@given(_child, st.sampled_from(["9434765919", ""]))
def test_tokeniser_equals_token_by_token_derivation(raw: dict[str, str], nhs: str) -> None:
    deriver = SharedKeyring({1: bytes(32)}).deriver()
    identity = normalise_identity(**raw, nhs_number=nhs, known_as="Alex", former_surname="Lee")
    assert Tokeniser(deriver)(identity) == [
        (t, deriver.token_value(t, v)) for t, v in key_values(identity)
    ]


@settings(max_examples=60, deadline=None)
@given(_child)
def test_every_key_holds_a_given_name_and_a_birth_date_or_an_identifier(
    raw: dict[str, str],
) -> None:
    """Except the review-only keys: a surname with the full date and sex, or a name pair with
    the month and day (or the year of an estimated birthday)."""
    identity = normalise_identity(**raw, nhs_number="9434765919")
    born = identity.dob or ""
    for key_type, value in key_values(identity):
        if key_type in matchkeys.ID_KEY_TYPES:
            continue
        fields = value.split("|")
        if key_type == "surname_dob_sex":
            assert fields == [fields[0], born, identity.sex] and fields[0] in identity.surnames
            continue
        if key_type == "name_partial_dob":
            assert fields[0] in identity.forenames and fields[1] in identity.surnames
            assert fields[2] in (f"--{born[4:]}", born[:4])
            continue
        if key_type == "phon_dob_sex":
            assert {normalise.soundex(f) for f in identity.forenames} & set(fields[:2])
        else:
            assert fields[0] in identity.forenames
        assert born in fields or born[:4] in fields


def _link(children: list[dict[str, str]], query: dict[str, str]) -> str:
    deriver = SharedKeyring({1: bytes(32)}).deriver()
    tokenise = Tokeniser(deriver)
    index = MemoryCandidateIndex()
    for child_id, child in enumerate(children):
        index.add(child_id, "HOME", rekey(FIXED_HUB_KEY, 1, tokenise(normalise_identity(**child))))
    digests = rekey(FIXED_HUB_KEY, 1, tokenise(normalise_identity(**query)))
    found = index.candidates(digests, exclude_authority="REPORTER")
    outcome = decide(found, frozenset(t for t, _ in digests)).outcome
    return {None: "none", "linked": "link", "possible": "review"}[outcome]


@settings(max_examples=80, deadline=None)
@given(_child, _name)
def test_a_twin_is_never_linked_to_the_other_twin(raw: dict[str, str], other: str) -> None:
    twin = {**raw, "forename": other}
    assume(
        set(normalise_identity(**twin).forenames).isdisjoint(normalise_identity(**raw).forenames)
    )
    assert _link([raw], twin) != "link"


def test_twins_whose_names_the_keys_cannot_tell_apart_go_to_review() -> None:
    jayden = {
        "forename": "Jayden",
        "surname": "Mensah",
        "dob": "2011-05-09",
        "sex": "M",
        "postcode": "B1 1AA",
    }
    jaden = dict(jayden, forename="Jaden")  # one forename group: the keys cannot tell them apart
    jordan = dict(jayden, forename="Jordan")
    assert _link([jayden, jaden], jayden) == "review"
    assert _link([jayden, jordan], jordan) == "link"
    # alone, a twin of the same sex shares only surname_dob_sex: review, never a link
    assert _link([jayden], jordan) == "review"
    assert _link([jayden], dict(jordan, sex="F")) == "none"


def _middle_name_free(raw: dict[str, str]) -> set[tuple[str, str]]:
    return {(t, v) for t, v in key_values(normalise_identity(**raw)) if t in MIDDLE_NAME_FREE}


@settings(max_examples=80, deadline=None)
@given(_child, _name, st.sampled_from(["", "Alfie", "Lily", "Sam Alex"]))
def test_a_middle_name_never_adds_a_linking_key(
    raw: dict[str, str], middle: str, known_as: str
) -> None:
    """Rows 3, 5 and 6 of "F M" are among those of "F": none comes from the middle name, and
    without a known-as name (so no variant is cut, §2.2) they are exactly those of "F"."""
    assume(normalise.name_tokens(raw["forename"]))  # alone not a placeholder ("NIL")
    first = {**raw, "known_as": known_as}
    with_middle = _middle_name_free({**first, "forename": f"{raw['forename']} {middle}"})
    assert with_middle <= _middle_name_free(first)
    if not known_as:
        assert with_middle == _middle_name_free(first)


def test_a_twin_named_after_the_middle_name_goes_to_review_not_link() -> None:
    by_name = {c["name"]: c["raw"] for c in CASES}
    child = by_name["middle name only: no linking key from it"]  # Delah Lily Farrington
    twin = by_name["twin named after that middle name: shares no linking key"]
    assert _link([child], twin) == "review"  # phon_dob_sex and the review-only keys agree
    assert _link([dict(child, known_as="Lily")], twin) == "link"  # she goes by Lily
    assert _link([child], dict(child, forename="Delah")) == "link"


def test_the_child_itself_links_and_a_namesake_elsewhere_does_not() -> None:
    child = {
        "forename": "Amelia",
        "surname": "Okafor",
        "dob": "2010-04-17",
        "sex": "F",
        "postcode": "B1 1AA",
    }
    assert _link([child], dict(child, forename="AMELIA ")) == "link"
    assert _link([child], dict(child, postcode="LS6 2AB")) == "link"  # a rare name: moved
    common = dict(child, forename="Olivia", surname="Smith")
    assert _link([common], dict(common, forename="OLIVIA")) == "link"
    assert _link([common], dict(common, postcode="LS6 2AB")) == "review"  # common name, moved


def test_the_specification_publishes_the_forename_groups_verbatim() -> None:
    from connectors.forenames import GROUPS_V1
    from tests.conftest import REPO

    spec = (REPO / "docs" / "matchkeys.md").read_text(encoding="utf-8")
    assert all(line in spec.splitlines() for line in GROUPS_V1.strip().splitlines())
