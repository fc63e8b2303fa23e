"""The lock files (requirements/*.lock, `make lock`) pin, with hashes, a version of every
dependency pyproject.toml asks for that satisfies its bounds: a dependency added or re-bounded
without `make lock` fails here rather than at an operator's install."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"dev.lock": ("dev",), "bench.lock": ("dev", "bench")}
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==(\S+) \\$", re.M)


def pins(lock: str) -> dict[str, Version]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(n.split("[")[0]): Version(v) for n, v in PIN.findall(text)}


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    lines = PROJECT["dependencies"] + [
        line for extra in extras for line in PROJECT["optional-dependencies"][extra]
    ]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_dependency_is_pinned_within_its_bounds(lock: str) -> None:
    pinned = pins(lock)
    for requirement in wanted(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock} pins {name} {pinned[name]}, outside {requirement.specifier}: "
            "run `make lock`"
        )


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_carries_a_hash(lock: str) -> None:
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for entry in entries:
        assert "--hash=sha256:" in entry, f"no hash for {entry.splitlines()[0]} in {lock}"


def test_bench_lock_agrees_with_the_dev_lock() -> None:
    dev, bench = pins("dev.lock"), pins("bench.lock")
    assert {n: v for n, v in bench.items() if n in dev} == dev
