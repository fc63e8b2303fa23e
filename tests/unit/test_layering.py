"""Dependencies point one way: keys and policies are pure; connectors use only the hub's wire
schema; nothing outside keys/ touches raw cryptographic primitives."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def imports_of(package: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in (REPO / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[path] = names
    return found


def offending(package: str, banned: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return [
        f"{path.relative_to(REPO)} imports {name}"
        for path, names in imports_of(package).items()
        for name in sorted(names)
        if name.startswith(banned) and not name.startswith(allowed)
    ]


WEB_AND_DB = (
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "httpx",
    "httpx2",
    "uvicorn",
    "hub",
    "connectors",
    "homeward",
)


@pytest.mark.parametrize("package", ["keys", "policies"])
def test_pure_packages_import_no_web_database_or_app_code(package: str) -> None:
    assert offending(package, WEB_AND_DB) == []


def test_connectors_import_only_the_wire_schema_from_the_hub() -> None:
    assert offending("connectors", ("hub",), allowed=("hub.wire",)) == []
    assert offending("connectors", ("homeward",)) == []


def test_the_hub_never_imports_connector_code() -> None:
    assert offending("hub", ("connectors", "homeward")) == []


@pytest.mark.parametrize("package", ["hub", "connectors", "policies", "homeward"])
def test_raw_primitives_live_only_in_keys(package: str) -> None:
    assert offending(package, ("hmac", "cryptography")) == []
