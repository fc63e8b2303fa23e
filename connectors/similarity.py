"""Second-stage encodings (docs/matchkeys.md §8): keyed Bloom filters and blocking tokens.

The match keys link a child only when a whole key agrees. For the reports they do not link, the
connector also sends:

- a **similarity encoding**: two keyed Bloom filters, XOR-folded once. ``names`` (512 bits)
  holds the letter bigrams of every forename variant and surname variant, without saying which
  is which (a forename and surname recorded the other way round still agree); ``born`` (256
  bits) holds the date of birth in parts (year, the neighbouring years, month, day, month and
  day together, month and day in either order), the sex salted with the year of birth, and
  the postcode district and area (a bare district such as ``B12`` counts). Each token sets
  ``k`` bit positions chosen by HMAC-SHA256 under its own subkey of the shared secret (random
  hashing), so without the secret nobody can say which bits a value sets; the fold makes each
  bit the XOR of two positions, which blurs the pattern of any single token
  (docs/threat-model.md: what remains visible, measured).
- **blocking tokens**: keyed tokens of a Soundex code of any name with the year of birth (and
  the next year, so that years one apart share one) or with the postcode district. The hub
  compares a report only with children sharing one of them.

No value travels in clear. The hub never holds the secret; it can compute the Dice similarity
of two encodings and nothing else (it cannot tell a name bit from a date bit).
"""

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from connectors import normalise
from connectors.matchkeys import Identity
from keys import MatchKeyDeriver

NAMES_BITS, BORN_BITS = 512, 256  # after one XOR fold
NAMES_K, BORN_K = 12, 18  # bit positions per token, before the fold
NAMES_TYPE = "similarity_names_v1"  # subkey names (HKDF info), not match-key types
BORN_TYPE = "similarity_born_v1"
BLOCK_TYPE = "sim_block"  # the hub's key type for blocking tokens
MAX_CODES = 4  # distinct Soundex codes per record used for blocking
_DISTRICT = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")
_AREA = re.compile(r"[A-Z]+")


class Encoding(NamedTuple):
    """What the connector sends for the second stage: the folded filters and blocking tokens."""

    names: bytes  # NAMES_BITS / 8 bytes
    born: bytes  # BORN_BITS / 8 bytes
    blocks: tuple[str, ...]  # hex HMAC tokens of type BLOCK_TYPE


def district(identity: Identity, raw_postcode: str | None) -> str | None:
    """The postcode district: of a full postcode, or a bare district as the police record it."""
    found = identity.postcode or normalise.postcode(raw_postcode)
    if found:
        return found.district
    text = "".join((raw_postcode or "").upper().split())
    return text if _DISTRICT.fullmatch(text) else None


def bigrams(name: str) -> list[str]:
    """Padded letter bigrams of a name: ``_J JA AC CK K_`` for JACK."""
    padded = f"_{name}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def dob_tokens(born: str) -> list[str]:
    """Date of birth in parts: the year, it and the next as "near" years, and for a date that
    is not an estimated 1 January the month, day, both, and both in either order."""
    year, month, day = born[:4], born[4:6], born[6:]
    near = int(year)
    out = [f"Y{year}", f"N{near}", f"N{near + 1}"]
    if born[4:] != "0101":
        low, high = sorted((month, day))
        out += [f"M{month}", f"D{day}", f"MD{month}{day}", f"U{low}{high}"]
    return out


def place_tokens(place: str) -> list[str]:
    """The district and its area (``B12`` -> ``B``); a code without letters (foreign benchmark
    data read with opaque postcodes) has no area."""
    area = _AREA.match(place)
    return [f"P{place}", f"A{area.group()}"] if area else [f"P{place}"]


def block_strings(identity: Identity, place: str | None) -> list[str]:
    """Soundex of each name variant (forename or surname alike) with the year of birth, the
    next year, or the postcode district."""
    codes = list(
        dict.fromkeys(normalise.soundex(n) for n in (*identity.forenames, *identity.surnames))
    )[:MAX_CODES]
    out: list[str] = []
    if identity.dob:
        year = int(identity.dob[:4])
        out += [f"{c}|{y}" for c in codes for y in (year, year + 1)]
    if place:
        out += [f"{c}|{place}" for c in codes]
    return out


class Encoder:
    """Identity -> ``Encoding`` under one epoch. Token positions are cached per token: names,
    dates and districts repeat across a council's children, so most records hit the cache."""

    def __init__(self, deriver: MatchKeyDeriver) -> None:
        self._names = _Filter(deriver.token_function(NAMES_TYPE), NAMES_BITS, NAMES_K)
        self._born = _Filter(deriver.token_function(BORN_TYPE), BORN_BITS, BORN_K)
        self._block = deriver.token_function(BLOCK_TYPE)
        self._blocks: dict[str, str] = {}

    def __call__(self, identity: Identity, raw_postcode: str | None = None) -> Encoding:
        place = district(identity, raw_postcode)
        blocks = self._blocks
        tokens: list[str] = []
        for text in block_strings(identity, place):
            token = blocks.get(text)
            if token is None:
                token = blocks[text] = self._block(text)
            tokens.append(token)
        names, born = self._names, self._born
        name_bits = 0
        for name in (*identity.forenames, *identity.surnames):
            name_bits |= names.mask(name, bigrams)
        born_bits = 0
        if identity.dob:
            born_bits |= born.mask(identity.dob, dob_tokens)
        if identity.sex:  # salted with the year: sex alone would be a frequent bit pattern
            born_bits |= born.mask(f"X{identity.sex}{(identity.dob or '')[:4]}", _one_token)
        if place:
            born_bits |= born.mask(place, place_tokens)
        return Encoding(names.fold(name_bits), born.fold(born_bits), tuple(dict.fromkeys(tokens)))


def _one_token(value: str) -> list[str]:
    return [value]


class _Filter:
    """A keyed Bloom filter of ``2 * bits`` bits, XOR-folded once to ``bits``. The bits of a
    token, and of a value (a name, a date, a district: the OR of its tokens' bits), are cached:
    values repeat across a council's children."""

    def __init__(self, mac: Callable[[str], str], bits: int, k: int) -> None:
        self._mac, self._bits, self._k = mac, bits, k
        self._tokens: dict[str, int] = {}
        self._values: dict[str, int] = {}
        self._width = (2 * bits - 1).bit_length()

    def _token(self, token: str) -> int:
        found = self._tokens.get(token)
        if found is None:
            digest = int(self._mac(token), 16)
            found, size = 0, 2 * self._bits
            for i in range(self._k):
                found |= 1 << ((digest >> (i * self._width)) % size)
            self._tokens[token] = found
        return found

    def mask(self, value: str, tokens: Callable[[str], Iterable[str]]) -> int:
        """The unfolded bits of ``value`` (``tokens`` must label its tokens by field)."""
        found = self._values.get(value)
        if found is None:
            found = 0
            for token in tokens(value):
                found |= self._token(token)
            self._values[value] = found
        return found

    def fold(self, full: int) -> bytes:
        folded = (full >> self._bits) ^ (full & ((1 << self._bits) - 1))
        return folded.to_bytes(self._bits // 8, "big")
