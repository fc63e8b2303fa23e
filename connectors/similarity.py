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
    return identity.postcode.district if identity.postcode else _bare_district(raw_postcode)


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
    """Identity -> ``Encoding`` under one epoch: what ``block_strings`` and the filters of
    ``bigrams``, ``dob_tokens`` and ``place_tokens`` spell out, with every step cached on the
    values that repeat across a council's children (a name with its Soundex code, a date of
    birth with the sex, a district, a code with a year or a district), so that a record costs
    a few dictionary look-ups, two folds and the HMACs of blocking tokens not seen before."""

    def __init__(self, deriver: MatchKeyDeriver) -> None:
        self._names = _Filter(deriver.token_function(NAMES_TYPE), NAMES_BITS, NAMES_K)
        self._born = _Filter(deriver.token_function(BORN_TYPE), BORN_BITS, BORN_K)
        self._block = deriver.token_function(BLOCK_TYPE)
        self._named: dict[str, tuple[int, str]] = {}  # name -> its bits and Soundex code
        self._dated: dict[tuple[str | None, str | None], int] = {}  # (dob, sex) -> bits
        self._dob_bits: dict[str, int] = {}  # dob -> bits of its date parts
        self._placed: dict[str, int] = {}  # district -> bits
        self._years: dict[str, dict[str, tuple[str, str]]] = {}  # year -> code -> 2 tokens
        self._places: dict[str, dict[str, str]] = {}  # district -> code -> token
        self._blocked: dict[str, str] = {}  # block string -> token (years one apart share)

    def __call__(self, identity: Identity, raw_postcode: str | None = None) -> Encoding:
        forenames, surnames, dob, sex, _, _, postcode, _ = identity
        place = postcode[2] if postcode else _bare_district(raw_postcode)
        named, name_bits, codes = self._named, 0, []
        for name in forenames + surnames:
            bits, code = named.get(name) or self._name(name)
            name_bits |= bits
            if code not in codes:
                codes.append(code)
        del codes[MAX_CODES:]
        tokens = self._blocks(codes, dob[:4] if dob else None, place)
        born_bits = self._dated.get((dob, sex)) or self._date_bits(dob, sex)
        if place:
            born_bits |= self._placed.get(place) or self._place_bits(place)
        return _new_encoding(
            Encoding,
            (
                ((name_bits >> NAMES_BITS) ^ (name_bits & _NAMES_LOW)).to_bytes(_NAMES_BYTES),
                ((born_bits >> BORN_BITS) ^ (born_bits & _BORN_LOW)).to_bytes(_BORN_BYTES),
                tuple(dict.fromkeys(tokens)) if place and place.isdigit() else tuple(tokens),
            ),
        )

    def _blocks(self, codes: list[str], year: str | None, place: str | None) -> list[str]:
        """``code|year`` and ``code|year+1`` of each code, then ``code|district``; distinct
        codes make distinct tokens, except a district of digits alone (opaque benchmark
        postcodes) that reads as a year: ``__call__`` then drops the repeat."""
        tokens: list[str] = []
        if year:
            cached = self._years.get(year) or self._years.setdefault(year, {})
            for code in codes:
                pair = cached.get(code)
                if pair is None:
                    pair = cached[code] = (
                        self._block_token(f"{code}|{year}"),
                        self._block_token(f"{code}|{int(year) + 1}"),
                    )
                tokens += pair
        if place:
            by_code = self._places.get(place) or self._places.setdefault(place, {})
            for code in codes:
                token = by_code.get(code)
                if token is None:
                    token = by_code[code] = self._block_token(f"{code}|{place}")
                tokens.append(token)
        return tokens

    def _block_token(self, text: str) -> str:
        found = self._blocked.get(text)
        if found is None:
            found = self._blocked[text] = self._block(text)
        return found

    def _name(self, name: str) -> tuple[int, str]:
        found = self._named[name] = (self._names.mask(bigrams(name)), normalise.soundex(name))
        return found

    def _date_bits(self, dob: str | None, sex: str | None) -> int:
        born, bits = self._born, 0
        if dob:
            bits = self._dob_bits.get(dob) or self._dob_bits.setdefault(
                dob, born.mask(dob_tokens(dob))
            )
        if sex:  # salted with the year: sex alone would be a frequent bit pattern
            bits |= born.mask([f"X{sex}{(dob or '')[:4]}"])
        self._dated[dob, sex] = bits
        return bits

    def _place_bits(self, place: str) -> int:
        found = self._placed[place] = self._born.mask(place_tokens(place))
        return found


def _bare_district(raw_postcode: str | None) -> str | None:
    """``district`` of an identity without a valid postcode."""
    if not raw_postcode:
        return None
    found = normalise.postcode(raw_postcode)
    if found:
        return found.district
    text = "".join(raw_postcode.upper().split())
    return text if _DISTRICT.fullmatch(text) else None


_new_encoding = tuple.__new__  # a third of the cost of Encoding(...), once per record
_NAMES_LOW, _BORN_LOW = (1 << NAMES_BITS) - 1, (1 << BORN_BITS) - 1
_NAMES_BYTES, _BORN_BYTES = NAMES_BITS // 8, BORN_BITS // 8


class _Filter:
    """A keyed Bloom filter of ``2 * bits`` bits, XOR-folded once to ``bits`` (the fold is the
    encoder's). The bits of each token are cached: bigrams and date parts repeat endlessly."""

    def __init__(self, mac: Callable[[str], str], bits: int, k: int) -> None:
        self._mac, self._size, self._k = mac, 2 * bits, k
        self._tokens: dict[str, int] = {}
        self._width = (2 * bits - 1).bit_length()

    def _token(self, token: str) -> int:
        digest = int(self._mac(token), 16)
        found, size, width = 0, self._size, self._width
        for i in range(self._k):
            found |= 1 << ((digest >> (i * width)) % size)
        self._tokens[token] = found
        return found

    def mask(self, tokens: Iterable[str]) -> int:
        """The unfolded bits of a value's tokens (labelled by field, so never shared by two
        fields)."""
        cached, found = self._tokens, 0
        for token in tokens:
            bits = cached.get(token)
            found |= self._token(token) if bits is None else bits
        return found
