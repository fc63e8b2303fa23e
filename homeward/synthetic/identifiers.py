"""Identifier recipes for synthetic children: NHS numbers, UPNs and postcodes.

Nothing here is a real person's: NHS numbers start 900-998, outside the ranges issued to
patients (England, Wales and Man 400-499 and 600-799 million, Scotland and Northern Ireland
below 400; 999 is the NHS test range); postcodes are random units inside real districts.
"""

import random
from collections.abc import Sequence
from operator import mul

from homeward.synthetic.choice import pick

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # postcode inward letters never use C I K M O V

_NHS_WEIGHTS = range(10, 1, -1)  # first digit x 10 ... ninth x 2
_UPN_WEIGHTS = range(2, 14)  # characters 2..13 x their position
_UPN_VALUES = {**{str(d): d for d in range(10)}, **{c: i for i, c in enumerate(UPN_CHECK_LETTERS)}}


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus-11 check digit for nine digits, or None when no valid number starts so."""
    if len(first_nine) != 9:
        raise ValueError("an NHS number's check digit follows nine digits")
    total = sum(map(mul, map(int, first_nine), _NHS_WEIGHTS))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def upn_check_letter(tail: str) -> str:
    """DfE check letter for UPN characters 2-13: sum of value x position (2..13), modulus 23.

    Digits count as their value; a letter (13th character of a temporary UPN) as its index in
    ABCDEFGHJKLMNPQRTUVWXYZ.
    """
    if len(tail) != 12:
        raise ValueError("a UPN's check letter covers twelve characters")
    return UPN_CHECK_LETTERS[sum(map(mul, map(_UPN_VALUES.__getitem__, tail), _UPN_WEIGHTS)) % 23]


def nhs_numbers(block: int, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct valid NHS numbers from block 900 + ``block``."""
    prefix = f"{900 + block:03d}"
    numbers: list[str] = []
    for body in rng.sample(range(1_000_000), min(1_000_000, count + count // 6 + 32)):
        nine = f"{prefix}{body:06d}"
        check = nhs_check_digit(nine)
        if check is not None:
            numbers.append(f"{nine}{check}")
            if len(numbers) == count:
                break
    return numbers


def postcode(rng: random.Random, districts: Sequence[str]) -> str:
    """A random postcode unit in one of ``districts``."""
    letters = INWARD_LETTERS
    return (
        f"{pick(rng, districts)} {int(rng.random() * 10)}"
        f"{letters[int(rng.random() * 20)]}{letters[int(rng.random() * 20)]}"
    )


def spaced_nhs(nhs: str) -> str:
    """``9012345678`` -> ``901 234 5678``, as many systems print it."""
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
