"""Liveness and database reachability."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ReadUowDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/v1/health", response_model=Health)
def health(uow: ReadUowDep) -> Health:
    """Answer 200 when the API and its database are up (503 when the database is not)."""
    uow.attorneys.list(active_only=True)
    return Health(status="ok", database="reachable")
