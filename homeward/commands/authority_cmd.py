"""`homeward hub authority add|list|update|revoke` and the hub's side of key rotation:
`homeward hub epochs | purge-epoch | rekey`. Each change is one audited transaction."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from homeward.commands.hub_settings import hub_context
from hub import operator
from hub.identity.interfaces import Role
from keys.files import write_private_text

Settings = Callable[[argparse.ArgumentParser], None]


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    authority = actions.add_parser("authority", help="register, change and revoke authorities")
    auth_actions = authority.add_subparsers(dest="authority_action", required=True)
    add = auth_actions.add_parser(
        "add", help="register a new authority (an existing code is refused); prints its credential"
    )
    settings(add)
    add.add_argument("code", help="ONS upper-tier code, e.g. E08000025; E99999xxx: not a council")
    add.add_argument("--name", required=True)
    add.add_argument("--contact", required=True, help="duty team contact shared under policy")
    add.add_argument("--role", choices=[r.value for r in Role], default="council")
    add.add_argument("--credential-out", type=Path, help="write the credential to this new file")
    add.set_defaults(handler=add_authority)
    listing = auth_actions.add_parser("list", help="list registered authorities")
    settings(listing)
    listing.set_defaults(handler=list_authorities)
    update = auth_actions.add_parser("update", help="change an authority's name or contact")
    settings(update)
    update.add_argument("code")
    update.add_argument("--name")
    update.add_argument("--contact")
    update.add_argument(
        "--new-credential", action="store_true", help="re-issue its legacy credential (old stops)"
    )
    update.add_argument("--credential-out", type=Path, help="write the credential to this new file")
    update.set_defaults(handler=update_authority)
    revoke = auth_actions.add_parser(
        "revoke", help="revoke an authority: its clients stop at once, its tokens are deleted"
    )
    settings(revoke)
    revoke.add_argument("code")
    revoke.add_argument("--reason", required=True, help="recorded in the audit log")
    revoke.set_defaults(handler=revoke_authority)
    _register_rotation(actions, settings)


def _register_rotation(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    epochs = actions.add_parser("epochs", help="which authorities send tokens under which epoch")
    settings(epochs)
    epochs.set_defaults(handler=list_epochs)
    purge = actions.add_parser(
        "purge-epoch", help="delete every token of an old shared-key epoch (audited)"
    )
    settings(purge)
    purge.add_argument("epoch", type=int)
    purge.add_argument(
        "--force",
        action="store_true",
        help="even if an authority has not moved (it stops matching)",
    )
    purge.set_defaults(handler=purge_epoch)
    rekey = actions.add_parser(
        "rekey", help="move every stored token to the newest hub key version (audited)"
    )
    settings(rekey)
    rekey.set_defaults(handler=rekey_hub)


def _credential(code: str, credential: str, out: Path | None) -> None:
    if out is None:
        print(credential)
        return
    write_private_text(out, credential + "\n")
    print(f"{code}: credential written to {out}")


def add_authority(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        credential = operator.register_authority(
            context, code=args.code, name=args.name, contact=args.contact, role=args.role
        )
    print(f"registered {args.code}", file=sys.stderr)
    _credential(args.code, credential, args.credential_out)
    return 0


def list_authorities(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        found = operator.list_authorities(context)
    for a in found:
        state = "revoked" if a.revoked_at else "active"
        print(f"{a.code}\t{a.role}\t{state}\t{a.name}\t{a.contact}")
    return 0


def update_authority(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        credential = operator.update_authority(
            context,
            code=args.code,
            name=args.name,
            contact=args.contact,
            new_credential=args.new_credential,
        )
    print(f"updated {args.code}", file=sys.stderr)
    if credential is not None:
        _credential(args.code, credential, args.credential_out)
    return 0


def revoke_authority(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        tokens = operator.revoke_authority(context, args.code, args.reason)
    print(f"revoked {args.code}: its clients and credential stop now; {tokens} tokens deleted")
    return 0


def list_epochs(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        usage = operator.epoch_usage(context)
    for use in usage:
        print(f"epoch {use.epoch}\t{use.tokens} tokens\t{' '.join(use.authorities)}")
    return 0


def purge_epoch(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        purged = operator.purge_epoch(context, args.epoch, force=args.force)
    print(f"purged epoch {args.epoch}: {purged} tokens deleted; councils may now retire it")
    return 0


def rekey_hub(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        done = operator.rekey(context)
    print(
        f"hub key version {done.before} -> {done.after}: {done.tokens} tokens moved, "
        f"{done.episodes} episodes' key digests recomputed"
    )
    return 0
