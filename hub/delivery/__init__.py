"""Delivery: grants become notifications (the ``Deliverer`` seam, today the inbox), read and
acknowledged by their recipients, purged when their retention ends."""
