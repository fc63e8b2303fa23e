"""The wheel an operator installs: built from the source, installed into a fresh virtual
environment outside the source tree, it runs `homeward --version` and `homeward hub init`
against a new SQLite hub, with the shipped policies and every migration inside the install."""

import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("homeward", "hub", "connectors", "policies", "keys")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def build_wheel(out: Path) -> Path:
    """The wheel of a clean copy of the source (building in place would leave build/ behind);
    setuptools comes from the lock, so the build needs no network."""
    source = out / "source"
    for name in PACKAGES:
        shutil.copytree(ROOT / name, source / name, ignore=IGNORED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(out), str(source)),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("homeward-*.whl")
    return wheel


def fresh_venv(path: Path) -> Path:
    """A new environment holding only the wheel; its dependencies are the ones this test run
    has (one path line, so the source tree's editable install is not on the path)."""
    venv.EnvBuilder(with_pip=False).create(path)
    (site,) = path.glob("lib/python*/site-packages")
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return site


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(work)
    target = work / "venv"
    site = fresh_venv(target)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(target / "bin" / "python")),
            *("install", "--quiet", "--no-deps", str(wheel)),
        ],
        check=True,
        capture_output=True,
    )
    return target, site


def run(venv_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv_dir / "bin" / "homeward"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_wheel_holds_policies_and_every_migration(installed: tuple[Path, Path]) -> None:
    _, site = installed
    shipped = {p.name for p in (ROOT / "policies").glob("*.yaml")}
    assert shipped and {p.name for p in (site / "policies").glob("*.yaml")} == shipped
    versions = "hub/db/migrations/versions"
    migrations = {p.name for p in (ROOT / versions).glob("0*.py")}
    assert migrations and {p.name for p in (site / versions).glob("0*.py")} == migrations
    assert (site / "hub/db/migrations/env.py").is_file()


def test_installed_homeward_reports_its_version(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    target, site = installed
    located = subprocess.run(
        [str(target / "bin" / "python"), "-c", "import hub, policies; print(hub.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(site)
    version = run(target, "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == "homeward 0.1.0"


def test_installed_hub_init_migrates_a_new_sqlite_hub(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    target, _ = installed
    database = tmp_path / "hub.db"
    created = run(
        target,
        "hub",
        "init",
        "--database-url",
        f"sqlite:///{database}",
        "--key-file",
        str(tmp_path / "hub.key"),
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    latest = max(p.stem[:4] for p in (ROOT / "hub/db/migrations/versions").glob("0*.py"))
    with sqlite3.connect(database) as db:
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'matchtoken'")
        assert tables.fetchone() == (1,)
    assert revision == latest
