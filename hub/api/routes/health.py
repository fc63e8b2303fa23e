"""Liveness: answers without credentials and without touching the database."""

from fastapi import APIRouter

from hub.api import openapi

router = APIRouter()


@router.get("/healthz", responses=openapi.problems(*openapi.EDGE))
def healthz() -> dict[str, str]:
    return {"status": "ok"}
