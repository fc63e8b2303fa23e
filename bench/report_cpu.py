"""CPU a report costs through `hub serve` on PostgreSQL with the nation loaded, for comparing
two source trees in one sitting (reports round 3, issue 13). Not part of `make bench`.

    python -m bench.report_cpu setup STATE            # once: a database, the nation synced
    python -m bench.report_cpu measure STATE TREE...  # each tree in turn, on that database

``setup`` makes the PostgreSQL database ``reports3_nation`` (dropped first), runs `hub init`,
registers the 153 authorities (each signing every policy), syncs the national load (82,620
children) through `hub serve --workers 2`, and keeps in ``STATE`` the hub key, the
credentials and the report bodies (half about a loaded child, half strangers: the scale
benchmark's). ``measure`` starts `hub serve --workers 1` of each TREE in turn (PYTHONPATH) on
that database and sends, after 10 warm-ups, ``HOMEWARD_BENCH_CPU_REPORTS`` reports from one
reporter, then as many from 16 at once; each report gets a fresh ref, so every run stores new
episodes about the same children. It prints the server's CPU (user + system of the serving
process, from /proc) and the client's per report, reports/s and p50/p99.
"""

import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, text

from bench.common import POSTGRES_URL, percentile
from bench.notify_latency import REPORTER
from bench.scale import BATCH, _reports, sync
from bench.scale_data import NATIONAL, authority_codes, bodies, nation
from bench.scale_serve import (
    ROOT,
    Served,
    _command,
    _environment,
    _free_port,
    _register,
    _wait_until_ready,
)
from hub import wire

DATABASE = "reports3_nation"
TICKS = os.sysconf("SC_CLK_TCK")


def _url() -> str:
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{DATABASE}"


def _serve(tree: Path, state: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    env = _environment(tree, _url(), state / "hub.key")
    port = _free_port()
    serve = ["hub", "serve", "--port", str(port), "--workers", str(workers), "--proxy-headers"]
    log = (state / "serve.log").open("ab")
    process = subprocess.Popen(_command(*serve), env=env, cwd=tree, stderr=log)
    url = f"http://127.0.0.1:{port}"
    _wait_until_ready(url, process)
    return process, url


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)


def setup(state: Path) -> None:
    state.mkdir(parents=True, exist_ok=True)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    env = _environment(ROOT, _url(), state / "hub.key")
    subprocess.run(_command("hub", "init"), env=env, cwd=ROOT, check=True, capture_output=True)
    codes = authority_codes()
    credentials = _register(ROOT, env, _url(), state / "hub.key", codes)
    (state / "credentials.json").write_text(json.dumps(credentials))
    data = nation(NATIONAL)
    reports = _reports(NATIONAL, 600)
    (state / "reports.json").write_text(json.dumps([r.decode() for r in reports]))
    process, url = _serve(ROOT, state, 2)
    try:
        seconds, failures = sync(Served(url, credentials), bodies(data, 0, BATCH))
        print(f"national sync: {seconds:.1f} s, {failures} server errors retried")
    finally:
        _stop(process)
    with create_engine(_url(), isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _cpu(pid: int) -> float:
    """Seconds of CPU (user + system) of ``pid`` and its live descendants."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if entry.name == str(pid) or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def _spy(pid: int, name: str) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the serving process (collapsed stacks, for a flame graph) when
    ``HOMEWARD_BENCH_CPU_PYSPY`` names a directory."""
    where = os.environ.get("HOMEWARD_BENCH_CPU_PYSPY")
    if not where:
        return None
    out = Path(where) / f"{name}.txt"
    command = [
        "py-spy",
        "record",
        "-p",
        str(pid),
        "-r",
        "250",
        "--gil",
        "-f",
        "raw",
        "-o",
        str(out),
    ]
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    return spy


def _fresh(body: str) -> bytes:
    record = json.loads(body)
    record["ref"] = secrets.token_hex(16)
    return json.dumps(record).encode()


def _reporter(url: str, credential: str, bodies: list[str]) -> list[float]:
    headers = {"Authorization": f"Bearer {credential}", "Content-Type": "application/json"}
    latencies = []
    with httpx.Client(base_url=url, timeout=600) as client:
        for body in bodies:
            content = _fresh(body)
            start = time.perf_counter()
            answer = client.post(f"{wire.API_PREFIX}/events", content=content, headers=headers)
            answer.raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def _load(url: str, credential: str, bodies: list[str], reporters: int) -> list[float]:
    shares = [bodies[i::reporters] for i in range(reporters)]
    with ThreadPoolExecutor(reporters) as pool:
        parts = pool.map(lambda share: _reporter(url, credential, share), shares)
        return [x for part in parts for x in part]


def _run(tree: Path, state: Path, reports: list[str], credential: str, count: int) -> None:
    process, url = _serve(tree, state, 1)
    try:
        _load(url, credential, reports[:10], 1)
        for reporters in (1, 16):
            chosen = reports[10 : 10 + count]
            spy = _spy(process.pid, f"{tree.name}-{reporters}")
            server, client = _cpu(process.pid), time.process_time()
            start = time.perf_counter()
            latencies = _load(url, credential, chosen, reporters)
            wall = time.perf_counter() - start
            server, client = _cpu(process.pid) - server, time.process_time() - client
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=120)
            print(
                f"{tree.name:>14} {reporters:>2} reporters: server CPU "
                f"{server / count * 1000:5.1f} ms, client {client / count * 1000:4.1f} ms a "
                f"report; {count / wall:5.1f} reports/s; p50 "
                f"{statistics.median(latencies):6.1f} p99 {percentile(latencies, 99):7.1f} ms",
                flush=True,
            )
    finally:
        _stop(process)


def measure(state: Path, trees: list[Path]) -> None:
    reports = json.loads((state / "reports.json").read_text())
    credential = json.loads((state / "credentials.json").read_text())[REPORTER.code]
    count = int(os.environ.get("HOMEWARD_BENCH_CPU_REPORTS", "200"))
    for tree in trees:
        _run(tree, state, reports, credential, count)


if __name__ == "__main__":
    command, where, *rest = sys.argv[1:]
    if command == "setup":
        setup(Path(where))
    else:
        measure(Path(where), [Path(t).resolve() for t in rest])
