"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import DeploymentDep
from schemas.api import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz", summary="Liveness")
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Readiness",
    response_model=Health,
    responses={503: {"model": Health}},
)
def readyz(deployment: DeploymentDep) -> Health | JSONResponse:
    """The database answers."""
    if not deployment.database_answers():
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return Health(status="ok")
