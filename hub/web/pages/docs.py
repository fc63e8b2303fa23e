"""/docs: Swagger UI from the hub's own copy (swagger-ui-dist), so it works offline, with the
API's OAuth2 scheme from the OpenAPI document."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Homeward hub API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="stylesheet" href="/static/docs.css"></head>
<body><main><h1 class="homeward-docs-title">Homeward hub API</h1><div id="swagger-ui"></div></main>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>
"""


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
