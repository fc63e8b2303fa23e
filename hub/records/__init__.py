"""Records: each authority's children and episodes, their re-keyed tokens, idempotent uploads
and the report quota."""
