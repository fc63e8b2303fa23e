"""Handlers for `homeward` subcommands, one module per command group."""
