"""Scale (issue 13): the national nightly sync and reports through the hub as deployed
(`hub serve --workers N --proxy-headers`, bench.scale_serve), this release against the previous
one in the same run, on SQLite and PostgreSQL with 1 and 2 hub workers.

- National nightly sync: the councils (the 153, less any the previous release cannot register)
  each send their children (82,620 in all, batches of 1000) over HTTP, four at a time; wall
  time into an empty hub. Goal: at most 30 s.
- 10x national on PostgreSQL: nine more copies of the nation, each timed (the growth curve:
  children/s by copy); goal: all 826,200 within 5 minutes.
- Report -> notification stored: POST /v1/events until the response, after the commit that
  stored its notification, with the load above in place; p99 (goal 50 ms) and reports/s.
  Closed loop: 1 and 16 reporters each sending its next report as soon as the last is
  answered, so the hub is saturated and reports/s is its capacity (with 16, the p99 is mostly
  queueing: Little's law). Open loop: 16 reporters each sending at Poisson arrivals, together
  ``HOMEWARD_BENCH_SCALE_OPEN_RATE`` reports/s (16: below either release's capacity here), the
  latency counted from each report's arrival (a report that waits for its reporter's previous
  one counts the wait), so the p99 is what a report sees under a steady load.

Every figure has the previous release's beside it as a ratio (previous / this: above 1 is
faster now). The client shares the machine's two cores with the hub, as a connector host on
the same machine would. ``HOMEWARD_BENCH_SCALE_COPIES`` sets the copies for the large load (10;
2 when quick), ``HOMEWARD_BENCH_SCALE_PREVIOUS_COPIES`` fewer for the previous release (its 10x
takes about ten minutes; compared by children/s, and its reports then run on less data),
``HOMEWARD_BENCH_SCALE_REPORTS`` the reports (600, split over the three loads).
"""

import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx2 as httpx

from bench.common import backends, corpus, percentile
from bench.notify_latency import REPORTER, events
from bench.scale_data import NATIONAL, Nation, authority_codes, bodies, nation
from bench.scale_serve import ROOT, Served, previous_release, served
from bench.tables import MS, Measurement
from connectors.pseudonymise import Pseudonymiser
from hub import wire
from keys import CouncilKey

NAME = "scale"
BATCH = 1000
SYNC_CLIENTS = 4
SYNC_GOAL_S, LARGE_GOAL_S, P99_GOAL_MS = 30.0, 300.0, 50.0
CONCURRENCY = (1, 16)
OPEN_REPORTERS = 16
OPEN_RATE = float(os.environ.get("HOMEWARD_BENCH_SCALE_OPEN_RATE", "16"))  # reports/s, all


def _headers(credential: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {credential}",
        "Content-Type": "application/json",
        "X-Forwarded-For": "192.0.2.10",
    }


def _sync_one(hub: Served, code: str, requests: Sequence[bytes]) -> int:
    """Send one authority's batches as its connector would: a 5xx answer is retried with the
    same idempotency key. Returns how many answers were 5xx."""
    failures = 0
    with httpx.Client(base_url=hub.url, timeout=600) as client:
        for body in requests:
            headers = {**_headers(hub.credentials[code]), "Idempotency-Key": uuid.uuid4().hex}
            for _ in range(5):
                answer = client.post(f"{wire.API_PREFIX}/records", content=body, headers=headers)
                if answer.status_code < 500:
                    break
                failures += 1
            answer.raise_for_status()
    return failures


def sync(hub: Served, requests: dict[str, list[bytes]]) -> tuple[float, int]:
    """Seconds for every authority's sync, ``SYNC_CLIENTS`` authorities at a time, and how many
    answers were server errors (retried)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(SYNC_CLIENTS) as pool:
        failures = sum(
            done.result()
            for done in [pool.submit(_sync_one, hub, c, r) for c, r in requests.items()]
        )
    return time.perf_counter() - start, failures


def _post(client: httpx.Client, hub: Served, body: bytes) -> None:
    answer = client.post(
        f"{wire.API_PREFIX}/events", content=body, headers=_headers(hub.credentials[REPORTER.code])
    )
    answer.raise_for_status()


def _reporter(hub: Served, reports: Sequence[bytes]) -> list[float]:
    latencies = []
    with httpx.Client(base_url=hub.url, timeout=600) as client:
        for body in reports:
            start = time.perf_counter()
            _post(client, hub, body)
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def report(hub: Served, reports: Sequence[bytes], concurrency: int) -> tuple[list[float], float]:
    """Closed loop: latencies (ms) and reports/s with ``concurrency`` reporters sending at
    once, each its next report as soon as the last is answered."""
    share = [reports[i::concurrency] for i in range(concurrency)]
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        found = [x for part in pool.map(lambda s: _reporter(hub, s), share) for x in part]
    return found, len(reports) / (time.perf_counter() - start)


def _paced(hub: Served, reports: Sequence[bytes], rate: float, seed: int) -> list[float]:
    """One reporter whose reports arrive at Poisson times, ``rate`` a second: latencies (ms)
    from each arrival, so a report kept waiting by the one before it counts the wait."""
    gaps, latencies = random.Random(seed), []
    with httpx.Client(base_url=hub.url, timeout=600) as client:
        arrival = time.perf_counter()
        for body in reports:
            arrival += gaps.expovariate(rate)
            time.sleep(max(0.0, arrival - time.perf_counter()))
            _post(client, hub, body)
            latencies.append((time.perf_counter() - arrival) * 1000)
    return latencies


def open_loop(hub: Served, reports: Sequence[bytes], rate: float) -> tuple[list[float], float]:
    """Latencies (ms) and reports/s answered with ``OPEN_REPORTERS`` reporters sending at
    Poisson arrivals, ``rate`` reports a second in all."""
    each = rate / OPEN_REPORTERS
    share = [reports[i::OPEN_REPORTERS] for i in range(OPEN_REPORTERS)]
    start = time.perf_counter()
    with ThreadPoolExecutor(OPEN_REPORTERS) as pool:
        parts = pool.map(lambda i: _paced(hub, share[i], each, i), range(OPEN_REPORTERS))
        found = [x for part in parts for x in part]
    return found, len(reports) / (time.perf_counter() - start)


def _reports(n_children: int, count: int) -> list[bytes]:
    """Reports of children found (half of them looked after somewhere, half strangers)."""
    data = corpus(n_children, n_councils=10)
    reporter = Pseudonymiser(data.keyring, CouncilKey.generate(REPORTER.code))
    return [event.body for event in events(data, reporter, count)]


Figures = dict[str, object]


# What the previous release's wire schema refuses, since its connector did not send it: the
# second stage's encodings and the confidential-location flag (false here, its default).
NEWER_FIELDS = ("similarity", "confidential_location")


def _without(body: bytes, drop: Collection[str]) -> bytes:
    record = json.loads(body)
    return json.dumps({k: v for k, v in record.items() if k not in drop}).encode()


def _measure(
    hub: Served, data: Nation, reports: list[bytes], copies: int, drop: Collection[str]
) -> Figures:
    """Each release gets the same children and reports as its own connector sends them."""
    reports = [_without(r, drop) for r in reports] if drop else reports
    seconds, failures = sync(hub, bodies(data, 0, BATCH, drop))
    figures: Figures = {"sync": seconds, "failures": failures}
    if copies > 1:
        timed = [sync(hub, bodies(data, k, BATCH, drop)) for k in range(1, copies)]
        figures["curve"] = [t for t, _ in timed]
        figures["failures"] = failures + sum(f for _, f in timed)
    warm, rest = reports[:10], reports[10:]
    report(hub, warm, 1)
    loads = len(CONCURRENCY) + 1
    for n, concurrency in enumerate(CONCURRENCY):
        figures[f"report {concurrency}"] = report(hub, rest[n::loads], concurrency)
    figures["report open"] = open_loop(hub, rest[len(CONCURRENCY) :: loads], OPEN_RATE)
    return figures


def run(*, quick: bool) -> list[Measurement]:
    n_children = NATIONAL // 20 if quick else NATIONAL
    copies = int(os.environ.get("HOMEWARD_BENCH_SCALE_COPIES", 2 if quick else 10))
    previous = min(copies, int(os.environ.get("HOMEWARD_BENCH_SCALE_PREVIOUS_COPIES", copies)))
    count = int(os.environ.get("HOMEWARD_BENCH_SCALE_REPORTS", 60 if quick else 600))
    reports = _reports(n_children, 10 + count)
    found: list[Measurement] = []
    with ExitStack() as stack:
        trees = {"previous": stack.enter_context(previous_release()), "this": ROOT}
        codes = authority_codes(trees["previous"])
        data = nation(n_children, codes)
        for backend in backends():
            for workers in (1, 2):
                large = (backend, workers) == ("postgresql", 2)
                figures = {}
                for release, tree in trees.items():
                    n = (previous if release == "previous" else copies) if large else 1
                    with served(tree, backend, workers, codes) as hub:
                        drop = NEWER_FIELDS if release == "previous" else ()
                        figures[release] = _measure(hub, data, reports, n, drop)
                    print(f"  {backend}, {workers} worker(s), {release}: done", flush=True)
                found += _measurements(figures, backend, workers, data.size, len(codes))
    return found


def _versus(previous: float, now: float, unit: str) -> str:
    return f"previous release {previous:,.1f} {unit}: x{previous / now:.2f}"


def _measurements(
    figures: dict[str, Figures], backend: str, workers: int, size: int, councils: int
) -> list[Measurement]:
    before, now = figures["previous"], figures["this"]
    label = f"{workers} worker{'s' if workers > 1 else ''}"
    found = [
        Measurement(
            f"national nightly sync ({size:,} children, {councils} authorities), {label}",
            float(now["sync"]),  # type: ignore[arg-type]
            "s",
            backend,
            size,
            SYNC_GOAL_S,
            _versus(float(before["sync"]), float(now["sync"]), "s")  # type: ignore[arg-type]
            + f"; server errors retried: {now['failures']} (previous: {before['failures']})",
        )
    ]
    if "curve" in now:  # the large load
        found.append(_large(before, now, backend, label, size))
    for load in LOADS:
        found += _reporting(before, now, load, backend, label)
    return found


def _large(before: Figures, now: Figures, backend: str, label: str, size: int) -> Measurement:
    def times(f: Figures) -> list[float]:
        return [float(f["sync"]), *f.get("curve", [])]  # type: ignore[arg-type, misc]

    def curve(f: Figures) -> str:
        return "/".join(f"{size / t:,.0f}" for t in times(f))

    def rate(f: Figures) -> float:
        return size * len(times(f)) / sum(times(f))

    copies, was = len(times(now)), len(times(before))
    versus = (
        _versus(sum(times(before)), sum(times(now)), "s")
        if was == copies
        else f"previous release {was}x in {sum(times(before)):,.1f} s: children/s "
        f"x{rate(now) / rate(before):.2f}"
    )
    return Measurement(
        f"{copies}x national ingest ({copies * size:,} children), {label}",
        sum(times(now)),
        "s",
        backend,
        copies * size,
        LARGE_GOAL_S,
        f"{versus}; children/s by copy: {curve(now)} (previous: {curve(before)})",
    )


LOADS = {
    **{f"report {c}": f"closed loop, {c} reporter{'s' if c > 1 else ''}" for c in CONCURRENCY},
    "report open": f"open loop, {OPEN_REPORTERS} reporters at {OPEN_RATE:g}/s in all (Poisson)",
}


def _reporting(
    before: Figures, now: Figures, load: str, backend: str, label: str
) -> list[Measurement]:
    (was, was_rate), (latencies, rate) = before[load], now[load]  # type: ignore[misc]
    who = f"{LOADS[load]}, {label}"
    p99, was_p99 = percentile(latencies, 99), percentile(was, 99)
    return [
        Measurement(
            f"report -> notification stored p99, {who}",
            p99,
            MS,
            backend,
            len(latencies),
            P99_GOAL_MS,
            f"p50 {statistics.median(latencies):.1f} ms; {_versus(was_p99, p99, 'ms')}",
        ),
        Measurement(
            f"reports/s {'answered' if load == 'report open' else 'sustained'}, {who}",
            rate,
            "per s",
            backend,
            len(latencies),
            note=f"previous release {was_rate:,.1f}/s: x{rate / was_rate:.2f}",
        ),
    ]
