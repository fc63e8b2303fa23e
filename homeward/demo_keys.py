"""The demo's hand-over of the shared secret, as README "Keys and rotation" tells it: the
scheme operator seals epoch 1's secret to each council's X25519 key (HPKE) and signs each
announcement; each council checks the signature against the operator key it pinned, opens its
own copy and installs it. The secret is never copied as a file and never reaches the hub."""

from dataclasses import dataclass
from pathlib import Path

from keys import new_secret, write_shared_keyring
from keys.announcements import (
    open_signed_epoch,
    read_operator_key,
    read_operator_vkey,
    write_operator_key,
    write_signed_epoch,
)
from keys.epochs import (
    new_kem_key,
    open_epoch,
    read_kem_key,
    read_kem_public,
    seal_epoch,
    write_kem_key,
)


@dataclass(frozen=True)
class HandedOver:
    epoch: int
    fingerprints: frozenset[str]  # one per council's installed copy: all equal, or it failed
    published: list[Path]


def hand_out_epoch(root: Path, council_dirs: dict[str, Path], epoch: int = 1) -> HandedOver:
    """`keys new-operator`, `new-council-kem` per council, `wrap-epoch`, then `install-epoch`
    in each council's folder (its ``shared.key``)."""
    operator_key, operator_vkey = write_operator_key(root / "operator")
    kem_files = {
        code: write_kem_key(folder, new_kem_key(code)) for code, folder in council_dirs.items()
    }
    published = [root / "published" / f"epoch-{epoch}-{code}.sealed" for code in council_dirs]
    _wrap(epoch, operator_key, [public for _, public in kem_files.values()], published)
    pinned = read_operator_vkey(operator_vkey)
    fingerprints = set()
    for (code, folder), announcement in zip(council_dirs.items(), published, strict=True):
        sealed = open_signed_epoch(announcement, pinned)
        write_shared_keyring(
            folder / "shared.key", open_epoch(sealed, read_kem_key(kem_files[code][0]))
        )
        fingerprints.add(sealed.fingerprint)
    return HandedOver(epoch, frozenset(fingerprints), published)


def _wrap(epoch: int, operator_key: Path, publics: list[Path], targets: list[Path]) -> None:
    """The operator's step: the secret lives only in this frame, while it is sealed."""
    signer = read_operator_key(operator_key)
    secret = new_secret()
    for public, target in zip(publics, targets, strict=True):
        write_signed_epoch(target, seal_epoch(epoch, secret, read_kem_public(public)), signer)
