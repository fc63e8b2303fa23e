"""Linkage evaluation: the connector's match keys and the hub's link decision, run in memory
over two files of people, and scored against a truth file (``homeward linkage evaluate``)."""
