"""Homeward key recipes: the only place that touches cryptographic primitives.

Pure: no I/O beyond reading and writing key files, no web or database code.

- ``SharedKeyring``: the secret every council shares (never the hub), one per key epoch;
  derives per-key-type subkeys with HKDF and turns normalised identifiers into match-key tokens.
- ``CouncilKey``: a council's own secret; seals its child ids so only it can read them back,
  and derives stable opaque record references.
- ``HubKeyring``: versions of the hub's own secret (``HubKey``); re-keys incoming tokens so a
  stolen hub database cannot be mapped with the shared secret alone.
- ``keys.epochs``: a council's X25519 key pair; one epoch's shared secret sealed to each
  council with HPKE (RFC 9180) and opened by it.
- ``keys.files``: every key file 0600, atomic, never overwritten unless asked, optionally
  passphrase-protected; loose permissions refused on reading.
- ``SigningKeyring``: versions of the hub's JWT signing key (OAuth2 access tokens); client key
  pairs for ``private_key_jwt`` (``write_client_key``).
"""

from keys.council import CouncilKey, SealedIdError
from keys.hub import HubKey, HubKeyring
from keys.keyfiles import (
    KeyFileError,
    add_hub_key_version,
    new_secret,
    read_council_key,
    read_hub_key,
    read_shared_keyring,
    update_shared_keyring,
    write_council_key,
    write_hub_key,
    write_shared_keyring,
)
from keys.keyring import EmptyKeyringError, MatchKeyDeriver, SharedKeyring, Token
from keys.signing import (
    ClientKeyFiles,
    SigningKeyring,
    ensure_signing_keys,
    public_jwk,
    read_client_key,
    read_public_jwk,
    read_signing_keys,
    signing_key_path,
    write_client_key,
    write_signing_keys,
)

__all__ = [
    "ClientKeyFiles",
    "CouncilKey",
    "EmptyKeyringError",
    "HubKey",
    "HubKeyring",
    "KeyFileError",
    "MatchKeyDeriver",
    "SealedIdError",
    "SharedKeyring",
    "SigningKeyring",
    "Token",
    "add_hub_key_version",
    "ensure_signing_keys",
    "new_secret",
    "public_jwk",
    "read_client_key",
    "read_council_key",
    "read_hub_key",
    "read_public_jwk",
    "read_shared_keyring",
    "read_signing_keys",
    "signing_key_path",
    "update_shared_keyring",
    "write_client_key",
    "write_council_key",
    "write_hub_key",
    "write_shared_keyring",
    "write_signing_keys",
]
