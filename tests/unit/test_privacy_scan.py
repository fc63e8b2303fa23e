"""homeward.privacy_scan: names found as words, never inside opaque hex runs."""

from homeward.privacy_scan import Identifiers, Scanner


def scanner(*names: str) -> Scanner:
    found = Identifiers()
    for name in names:
        found.add_person({"forename": name, "surname": "", "dob": ""})
    return Scanner(found)


def test_a_name_in_clear_is_found_in_any_case() -> None:
    scan = scanner("Ada")
    assert scan.leaks('{"forename": "Ada"}') == ["name ADA"]
    assert scan.leaks('{"note": "ada was seen"}') == ["name ADA"]


def test_a_hex_token_spelling_a_name_is_not_a_leak() -> None:
    scan = scanner("Ada", "Bea")
    token = "7ada589c55514c75ba41987c936bbea5"
    assert scan.leaks(f'{{"digest": "{token}", "sealed_id": "s1.{token}"}}') == []
    assert scan.leaks("ada-7ada589c") == ["name ADA"]  # a short run is not opaque


def test_a_case_reference_spelling_a_name_is_not_a_leak() -> None:
    scan = scanner("Ada", "Eba")
    assert scan.leaks('{"case_reference": "HW-EBA933A288AC", "id": "HW-0ADA1C2B3D4E"}') == []
    assert scan.leaks("HW-EBA933A288AC Ada") == ["name ADA"]


def test_a_published_903_meaning_is_not_a_leak_but_anything_else_in_its_field_is() -> None:
    scan = scanner("Foster")
    meaning = "placed for adoption with consent with current foster carer"
    assert scan.leaks(f'{{"placement_type": "A3", "placement_type_meaning": "{meaning}"}}') == []
    assert scan.leaks('{"placement_type_meaning": "with Foster family"}') == ["name FOSTER"]
    assert scan.leaks(f'{{"note": "{meaning}"}}') == ["name FOSTER"]


def test_a_base64url_key_spelling_a_name_between_its_dashes_is_not_a_leak() -> None:
    scan = scanner("Cox")
    jwk = '{"kty": "OKP", "crv": "Ed25519", "x": "q8Zr0v_COX-Jd3kLmN2pQ7sT9uVwXyZ1aB4cD5eF6g"}'
    assert scan.leaks(jwk) == []
    assert scan.leaks('{"surname": "Smith-Cox", "key": "q8Zr0v_COX-Jd3kLmN2"}') == ["name COX"]
