"""A hub as deployed, for the scale benchmark: `homeward hub serve --workers N --proxy-headers`
of a given source tree (this one, or the previous release checked out into a temporary git
worktree) on a fresh database, the 153 authorities registered, and HTTP clients for it.

Both releases run on this environment's packages; only the source differs (PYTHONPATH puts the
tree first). The outbox is drained inline, after each request's commit, so a report's response
means its notification is stored.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

from bench.common import database

ROOT = Path(__file__).resolve().parents[1]
# The release before the scale work (issue 13); HOMEWARD_BENCH_PREVIOUS names another commit.
PREVIOUS = os.environ.get("HOMEWARD_BENCH_PREVIOUS", "3f300a4")


@contextmanager
def previous_release() -> Iterator[Path]:
    """The previous release's source, checked out into a temporary worktree."""
    tmp = Path(tempfile.mkdtemp(prefix="homeward-previous-"))
    tree = tmp / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), PREVIOUS],
        check=True,
        capture_output=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _environment(tree: Path, url: str, key_file: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")},
        "PYTHONPATH": str(tree),
        "HOMEWARD_HUB_DATABASE_URL": url,
        "HOMEWARD_HUB_KEY_FILE": str(key_file),
        "HOMEWARD_HUB_WORKER": "inline",
        "HOMEWARD_HUB_MAX_KEYED_REPORTS_PER_DAY": "1000000",
        "HOMEWARD_HUB_LOG_FORMAT": "json",
    }


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "homeward.cli", *args]


@dataclass
class Served:
    url: str
    credentials: dict[str, str]  # authority code -> bearer credential
    database_url: str = ""
    pid: int = 0  # the `hub serve` process


def _wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError("hub serve exited")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the hub never became ready")


# Run by the release's own code (its operator functions on its own schema): registers the
# authorities named on stdin, each signing every policy where the release has signatures (so
# a report about a looked-after child is shared and notified, as in a release without them,
# not refused for want of them); prints their credentials as JSON.
_REGISTER = """
import json, sys
from pathlib import Path
from hub import operator
from hub.context import build_context
from hub.settings import HubSettings
url, key_file = sys.argv[1:3]
context = build_context(HubSettings(database_url=url, key_file=Path(key_file)))
codes = json.load(sys.stdin)
register = operator.register_authority
found = {c: register(context, code=c, name=c, contact="Duty team") for c in codes}
for code in codes if hasattr(operator, "sign_every_policy") else []:
    operator.sign_every_policy(context, code, "Bench DPO", f"DSA-{code}")
context.engine.dispose()
print(json.dumps(found))
"""


def _register(
    tree: Path, env: dict[str, str], url: str, key_file: Path, codes: list[str]
) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _REGISTER, url, str(key_file)],
        env=env,
        cwd=tree,
        input=json.dumps(codes).encode(),
        check=True,
        capture_output=True,
    )
    credentials: dict[str, str] = json.loads(done.stdout)
    return credentials


@contextmanager
def served(
    tree: Path,
    backend: str,
    workers: int,
    codes: list[str],
    prepare: Callable[[str], None] | None = None,
) -> Iterator[Served]:
    """``tree``'s hub on a fresh ``backend`` database with ``workers`` processes;
    ``prepare`` is called with the database URL after `hub init`, before serving."""
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        key_file = Path(tmp) / "hub.key"  # made by `hub init`
        env = _environment(tree, url, key_file)
        subprocess.run(_command("hub", "init"), env=env, cwd=tree, check=True, capture_output=True)
        credentials = _register(tree, env, url, key_file, codes)
        if prepare is not None:
            prepare(url)
        port = _free_port()
        serve = ["hub", "serve", "--port", str(port), "--workers", str(workers), "--proxy-headers"]
        with (Path(tmp) / "serve.log").open("wb") as log:
            process = subprocess.Popen(_command(*serve), env=env, cwd=tree, stderr=log)
            try:
                _wait_until_ready(f"http://127.0.0.1:{port}", process)
                yield Served(f"http://127.0.0.1:{port}", credentials, url, process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=120)
                _keep_log(Path(tmp) / "serve.log", f"{tree.name}-{backend}-{workers}.log")


def _keep_log(log: Path, name: str) -> None:
    """The hub's log, kept in ``HOMEWARD_BENCH_SCALE_LOGS`` when that names a directory."""
    kept = os.environ.get("HOMEWARD_BENCH_SCALE_LOGS")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, Path(kept) / name)
