"""REST API at /api/v1/: one small module per resource, each exporting ``routes`` —
(prefix, viewset, basename) triples that :mod:`.urls` registers on the router."""
