"""The 10x ingest's growth curve with the PostgreSQL server's own view of each copy (issue 13).

``python -m bench.scale_probe [COPIES]`` starts ``hub serve --workers 2`` of this tree on a
fresh PostgreSQL database (bench.scale_serve), syncs the nation ``COPIES`` times (10 by
default) as bench.scale does, and prints per copy: wall seconds, children/s, the hub's CPU
(its process tree, from /proc), WAL written and how much of it was full-page images, the
checkpoints and the buffers written by whom, the match-token relation sizes, and the token
indexes' block reads (from outside shared buffers) against hits. WAL, checkpoint and buffer
figures are the whole server's: other databases' work on a shared server shows in them.
``HOMEWARD_BENCH_SCALE_LOGS`` keeps the hub's log as in bench.scale.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.scale import BATCH, sync
from bench.scale_data import authority_codes, bodies, nation
from bench.scale_serve import ROOT, served

_SERVER = """
SELECT w.wal_records, w.wal_fpi, w.wal_bytes,
       b.checkpoints_timed + b.checkpoints_req AS checkpoints, b.checkpoints_req,
       b.buffers_checkpoint, b.buffers_clean, b.buffers_backend
FROM pg_stat_wal w, pg_stat_bgwriter b
"""
_INDEXES = """
SELECT indexrelname, pg_relation_size(indexrelid), idx_blks_read, idx_blks_hit
FROM pg_statio_user_indexes WHERE relname IN ('matchtoken', 'child', 'similarityencoding')
"""
_KINDS = """
SELECT owner_kind, key_type, count(*), count(DISTINCT digest) FROM matchtoken GROUP BY 1, 2
"""
_TABLES = """
SELECT relname, pg_relation_size(relid), heap_blks_read, heap_blks_hit
FROM pg_statio_user_tables WHERE relname IN ('matchtoken', 'child', 'similarityencoding')
"""


def _cpu(pid: int) -> float:
    """User and system seconds of ``pid`` and every descendant still alive."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def _backends_cpu(engine: Any, database: str) -> float:
    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": database}
        ).scalars()
        return sum(_cpu(pid) for pid in pids)


def _snapshot(engine: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        server = dict(conn.execute(text(_SERVER)).mappings().one())
        relations = {
            name: (size, read, hit)
            for query in (_INDEXES, _TABLES)
            for name, size, read, hit in conn.execute(text(query))
        }
    return {"server": server, "relations": relations}


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    server = {k: float(after["server"][k] - before["server"][k]) for k in after["server"]}
    relations = {
        name: {
            "mb": size / 2**20,
            "read": read - before["relations"].get(name, (0, 0, 0))[1],
            "hit": hit - before["relations"].get(name, (0, 0, 0))[2],
        }
        for name, (size, read, hit) in after["relations"].items()
    }
    return {"server": server, "relations": relations}


def _prepare(url: str) -> None:
    """Run the statements of ``HOMEWARD_BENCH_PROBE_SQL`` (``;``-separated) on the fresh
    database before the hub serves: an index or a per-database setting to try."""
    statements = [s for s in os.environ.get("HOMEWARD_BENCH_PROBE_SQL", "").split(";") if s.strip()]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement.replace("{database}", url.rpartition("/")[2])))
    engine.dispose()


def main(copies: int) -> None:
    data, codes = nation(), authority_codes()
    rows = []
    with served(ROOT, "postgresql", 2, codes, _prepare) as hub:
        database = hub.database_url.rpartition("/")[2]
        engine = create_engine(hub.database_url, isolation_level="AUTOCOMMIT")
        for copy in range(copies):
            requests = bodies(data, copy, BATCH)
            before, cpu = _snapshot(engine), _cpu(hub.pid)
            pg_cpu = _backends_cpu(engine, database)
            start = time.perf_counter()
            seconds, failures = sync(hub, requests)
            wall = time.perf_counter() - start
            row = {
                "copy": copy + 1,
                "seconds": round(wall, 1),
                "children/s": round(data.size / seconds),
                "hub cpu s": round(_cpu(hub.pid) - cpu, 1),
                "pg backends cpu s": round(_backends_cpu(engine, database) - pg_cpu, 1),
                "failures": failures,
                "load": os.getloadavg()[0],
                **_delta(before, _snapshot(engine)),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
        with engine.connect() as conn:
            kinds = conn.execute(text(_KINDS)).all()
        engine.dispose()
    print(json.dumps({"rows": rows, "key types": [list(k) for k in kinds]}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
