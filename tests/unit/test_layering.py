"""Dependencies point one way: keys and policies are pure; connectors use only the hub's wire
schema; nothing outside keys/ touches raw cryptographic primitives; routes reach the database
only through services and ``hub.api.deps``; the hub's decision rules use no ORM; hub modules
import each other without cycles; no module grows past about 400 lines."""

import ast
from collections.abc import Iterable
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


ORM = ("sqlmodel", "sqlalchemy")
FIRST_PARTY = ("hub", "keys", "policies")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_of(packages: Iterable[str]) -> dict[str, set[str]]:
    """Each module's imports, ``from a import b`` resolved to the module ``a.b`` if there is one."""
    raw = {
        module_name(path): names
        for package in packages
        for path, names in imports_of(package).items()
    }
    return {
        module: {name if name in raw else name.rpartition(".")[0] or name for name in names}
        for module, names in raw.items()
    }


def within(modules: dict[str, set[str]], module: str) -> set[str]:
    """The first-party modules ``module`` imports directly."""
    return {name for name in modules[module] if name in modules}


def loaded_by(modules: dict[str, set[str]], start: str) -> set[str]:
    """Everything importing ``start`` loads: first-party modules (with their parent packages)
    followed transitively, third-party names as written."""
    seen, todo, outside = set(), [start], set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parents = [module.rsplit(".", n)[0] for n in range(1, module.count(".") + 1)]
        todo.extend([*within(modules, module), *(p for p in parents if p in modules)])
        outside.update(name for name in modules[module] if name.split(".")[0] not in FIRST_PARTY)
    return outside


def test_routes_reach_the_database_only_through_services_and_deps() -> None:
    """API routes and web page handlers alike."""
    found = [
        f"{module} imports {name}"
        for module, names in modules_of(["hub"]).items()
        if module.startswith(("hub.api.routes", "hub.web.pages"))
        for name in sorted(names)
        if name.startswith(ORM) or name.endswith(".models") or name.startswith("hub.db")
    ]
    assert found == []


@pytest.mark.parametrize("module", ["hub.linking.decide", "hub.sharing.context"])
def test_the_hubs_decision_rules_import_no_orm(module: str) -> None:
    assert sorted(n for n in modules_of(FIRST_PARTY)[module] if n.startswith(ORM)) == []


@pytest.mark.parametrize(
    "module",
    ["hub.linking.decide", "hub.sharing.context", "hub.records.values", "keys", "policies"],
)
def test_pure_modules_load_no_orm_even_indirectly(module: str) -> None:
    """``hub.sharing.context`` is not here yet: ``Link`` and ``AuthorityFacts`` live in service
    modules that use the ORM; moving them to value modules would let it join."""
    assert sorted(n for n in loaded_by(modules_of(FIRST_PARTY), module) if n.startswith(ORM)) == []


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the path round it; [] when there is none."""
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str]:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target, [*path, target])):
                return found
        state[module] = "done"
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module, [module])):
            return found
    return []


def test_hub_modules_import_each_other_without_cycles() -> None:
    modules = modules_of(["hub"])
    assert cycle_in({m: within(modules, m) - {m} for m in modules}) == []


def test_cycle_in_finds_a_cycle() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) == []


MAX_LINES = 400
OVERSIZED: dict[str, str] = {}  # path: why it may be longer for now; a stale entry fails


def test_no_module_is_over_400_lines() -> None:
    lengths = {
        str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
        for package in ("hub", "connectors", "policies", "keys", "homeward")
        for path in (REPO / package).rglob("*.py")
    }
    assert {p: n for p, n in lengths.items() if n > MAX_LINES and p not in OVERSIZED} == {}
    stale = [p for p in OVERSIZED if lengths.get(p, 0) <= MAX_LINES]
    assert stale == [], "remove these OVERSIZED entries: they are no longer over the limit"
