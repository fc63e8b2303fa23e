"""Second-stage encodings, similarity v1: the published vectors, bit for bit, cold and warm."""

from typing import Any

import pytest

from connectors.matchkeys import Identity, normalise_identity
from connectors.normalise import Postcode
from connectors.similarity import Encoder, Encoding, block_strings, district
from keys import SharedKeyring
from tests.conftest import load_vectors

VECTORS = load_vectors("similarity_v1")
CASES = VECTORS["cases"]
DERIVER = SharedKeyring({VECTORS["epoch"]: bytes.fromhex(VECTORS["secret"])}).deriver()


def _identity(case: dict[str, Any]) -> Identity:
    identity = normalise_identity(**case["raw"])
    if case.get("postcode_as_is"):
        code = case["raw"]["postcode"]
        return identity._replace(postcode=Postcode(code, code, code))
    return identity


def _expected(case: dict[str, Any]) -> Encoding:
    return Encoding(
        bytes.fromhex(case["names"]), bytes.fromhex(case["born"]), tuple(case["blocks"])
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vectors_fresh_encoder_bit_for_bit(case: dict[str, Any]) -> None:
    identity = _identity(case)
    postcode = case["raw"]["postcode"]
    assert block_strings(identity, district(identity, postcode)) == case["block_strings"]
    assert Encoder(DERIVER)(identity, postcode) == _expected(case)


def test_vectors_one_encoder_warm_bit_for_bit() -> None:
    """Caches filled by earlier records (the same names, dates and districts) change nothing."""
    encode = Encoder(DERIVER)
    for case in CASES * 2:
        assert encode(_identity(case), case["raw"]["postcode"]) == _expected(case), case["name"]


def test_vectors_cover_every_part_of_the_encoding() -> None:
    assert any(len(c["block_strings"]) == 12 for c in CASES)  # four Soundex codes, the cap
    assert any(
        c.get("postcode_as_is") and len(c["blocks"]) < len(c["block_strings"]) for c in CASES
    )
    assert any(c["raw"]["dob"].endswith("-01-01") for c in CASES)
    assert any(not c["blocks"] and int(c["born"], 16) for c in CASES)
