"""The systemd units in deploy/ are valid, and every command they run is a real `homeward`
subcommand with options it accepts (docs/deploy.md installs them as they are)."""

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.cli import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
INSTALLED = "/opt/homeward/.venv/bin/homeward"
UNITS = sorted(p for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def homeward_args(exec_start: str) -> list[str]:
    """The arguments given to homeward, after any flock in front of it."""
    words = shlex.split(exec_start)
    assert INSTALLED in words, exec_start
    before = words[: words.index(INSTALLED)]
    assert before == [] or before[0] == "/usr/bin/flock", exec_start
    return words[words.index(INSTALLED) + 1 :]


def test_there_are_units_for_the_hub_the_worker_and_the_connector() -> None:
    names = {p.name for p in UNITS}
    for expected in (
        "homeward-hub.service",
        "homeward-worker.service",
        "homeward-connector-sync.service",
        "homeward-connector-sync.timer",
        "homeward-connector-flush.service",
        "homeward-connector-flush.timer",
    ):
        assert expected in names


@pytest.mark.parametrize("path", [p for p in UNITS if p.suffix == ".service"], ids=str)
def test_each_service_runs_a_real_subcommand(path: Path) -> None:
    service = unit(path)
    assert service["Unit"]["Description"]
    section = service["Service"]
    assert section["Type"] in ("exec", "oneshot")
    assert section["User"] and section["UMask"] == "0077"
    args = homeward_args(section["ExecStart"])
    parsed = build_parser().parse_args(args)  # exits (fails the test) on an unknown option
    assert callable(parsed.handler)


def test_the_connector_sync_and_flush_share_one_lock() -> None:
    locks = {
        name: shlex.split(unit(DEPLOY / f"{name}.service")["Service"]["ExecStart"])
        for name in ("homeward-connector-sync", "homeward-connector-flush")
    }
    lock_files = {words[words.index(INSTALLED) - 1] for words in locks.values()}
    assert len(lock_files) == 1 and all(w[0] == "/usr/bin/flock" for w in locks.values())


@pytest.mark.parametrize("path", [p for p in UNITS if p.suffix == ".timer"], ids=str)
def test_each_timer_starts_its_service(path: Path) -> None:
    timer = unit(path)
    assert set(timer["Timer"]) & {"OnCalendar", "OnUnitActiveSec"}
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert path.with_suffix(".service").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_verifies_the_units(tmp_path: Path) -> None:
    """With this checkout's homeward in place of the installed one (it must exist)."""
    homeward = str(Path(sys.executable).with_name("homeward"))
    for path in UNITS:
        text = path.read_text(encoding="utf-8").replace(INSTALLED, homeward)
        text = text.replace("EnvironmentFile=/", "EnvironmentFile=-/")  # not on this machine
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == "", checked.stderr
