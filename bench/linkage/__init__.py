"""Linkage benchmark (issue 3): synthetic children's records and FEBRL4, Homeward's match keys
side by side with a clkhash + anonlink reference. Entry point: ``run(results_md, quick=False)``
(called by ``python -m bench``; ``python -m bench.linkage [--quick]`` runs it alone)."""

from bench.linkage.run import run

__all__ = ["run"]
