"""Linkage benchmark (issue 3): synthetic children's records and FEBRL4, Homeward's match keys
side by side with a clkhash + anonlink reference. Entry point: ``run(quick=False)``, which
returns the results (``python -m bench`` stamps and writes them; ``python -m bench.linkage
[--quick]`` runs it alone)."""

from bench.linkage.run import run

__all__ = ["run"]
