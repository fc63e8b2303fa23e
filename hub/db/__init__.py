"""The hub's database: engine and transactions (``engine``), every table on one metadata
(``metadata``), and the schema's versions as Alembic migrations (``migrate``, ``migrations/``).

Statements every report or audited transaction runs are built once, at import, with bound
parameters (expanding ones for lists), and run with their values: building a SQLAlchemy
statement (its expression objects and cache key) costs about as much CPU as running it
(bench/RESULTS.md, "Reports round 3"). Such a statement is marked "Built once"."""
