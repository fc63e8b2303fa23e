"""Identity: registered authorities, how a caller proves it is one, and what it may do."""
