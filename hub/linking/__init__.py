"""Linking: candidates through shared tokens (``candidates``), the pure rule (``decide``), and
the recorded match (``service``)."""
