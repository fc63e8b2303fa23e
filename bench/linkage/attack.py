"""What a thief of the hub's second-stage encodings learns: ``python -m bench.linkage.attack``.

The attacker holds every child's encoding (connectors/similarity.py) but not the shared secret,
and knows the population well: a second synthetic population from the same generator (another
seed) stands in for public name and birth statistics. Two attacks from the literature
(docs/threat-model.md, research notes pprl.md §4):

1. **Frequency alignment.** Identical encodings are counted; the k most frequent are guessed
   to be the k most frequent plaintext values of the reference population, in rank order
   (names filter: the child's set of name variants; born filter: date of birth, sex and
   district). Reported: how many of the top-k guesses are right, and how many children that
   re-identifies.
2. **Pattern mining on bits.** Without labels, the first principal components of the filters'
   bits; reported is the strongest correlation of any of them with sex, with an estimated
   (1 January) birthday and with the year of birth: what structure leaks without the key.
"""

import sys
from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

from homeward.linkage.records import Person, encodings, identity
from homeward.synthetic import linkage as synth
from keys import SharedKeyring

TOP = 20


def _people(size: int, seed: int) -> list[Person]:
    bench = synth.generate(synth.Spec(left=size, right=10, overlap=0.0, seed=seed))
    return [Person(**r) for r in bench.left]


def _names(p: Person) -> Hashable:
    found = identity(p)
    return (found.forenames, found.surnames)


def _born(p: Person) -> Hashable:
    found = identity(p)
    place = found.postcode.district if found.postcode else None
    return (found.dob, found.sex, place)


def frequency_attack(
    codes: Sequence[bytes], truth: Sequence[Hashable], reference: Sequence[Hashable]
) -> dict[str, float]:
    """Top-k encodings guessed as the top-k reference values; scored against the truth."""
    guesses = [v for v, _ in Counter(reference).most_common(TOP)]
    top_codes = [c for c, _ in Counter(codes).most_common(TOP)]
    right = hit = 0
    for code, guess in zip(top_codes, guesses, strict=False):
        holders = [t for c, t in zip(codes, truth, strict=True) if c == code]
        if Counter(holders).most_common(1)[0][0] == guess:
            right += 1
            hit += sum(t == guess for t in holders)
    distinct = len(set(codes))
    return {
        "distinct_share": distinct / len(codes),
        "top_guesses_right": right,
        "children_reidentified_share": hit / len(codes),
    }


def pattern_attack(codes: Sequence[bytes], labels: dict[str, Sequence[float]]) -> dict[str, float]:
    bits = np.unpackbits(np.frombuffer(b"".join(codes), dtype=np.uint8).reshape(len(codes), -1))
    bits = bits.reshape(len(codes), -1).astype(np.float64)
    centred = bits - bits.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    components = centred @ vt[:10].T
    out: dict[str, float] = {}
    for name, values in labels.items():
        target = np.asarray(values, dtype=np.float64)
        out[name] = max(abs(float(np.corrcoef(components[:, i], target)[0, 1])) for i in range(10))
    return out


def run(size: int = 20_000) -> dict[str, dict[str, float]]:
    people, reference = _people(size, 21), _people(size, 22)
    found = encodings(people, SharedKeyring.generate().deriver())
    ids = [identity(p) for p in people]
    labels = {
        "sex_is_male": [float(i.sex == "M") for i in ids],
        "estimated_birthday": [float(bool(i.dob) and i.dob[4:] == "0101") for i in ids],  # type: ignore[index]
        "year_of_birth": [float(i.dob[:4]) if i.dob else 2015.0 for i in ids],
    }
    return {
        "names_frequency": frequency_attack(
            [c.names for c in found], [_names(p) for p in people], [_names(p) for p in reference]
        ),
        "born_frequency": frequency_attack(
            [c.born for c in found], [_born(p) for p in people], [_born(p) for p in reference]
        ),
        "born_pattern_correlation": pattern_attack([c.born for c in found], labels),
        "names_pattern_correlation": pattern_attack([c.names for c in found], labels),
    }


if __name__ == "__main__":
    for attack, figures in run(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000).items():
        print(attack, {k: round(v, 4) for k, v in figures.items()})
