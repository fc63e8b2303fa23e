"""Homeward hub: ingest -> matching -> sharing -> notify -> audit (see hub/pipeline.py)."""
