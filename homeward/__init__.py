"""Homeward composition root: the CLI, the end-to-end demo and synthetic data."""
