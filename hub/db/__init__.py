"""The hub's database: engine and transactions (``engine``), every table on one metadata
(``metadata``), and the schema's versions as Alembic migrations (``migrate``, ``migrations/``)."""
