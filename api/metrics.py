"""Prometheus metrics: requests by route template and status, and their durations. Never a raw path (it may hold
a passport id) and never a label from the request body."""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REGISTRY = CollectorRegistry()
REQUESTS = Counter("care_passport_requests", "HTTP requests", ["method", "route", "status"], registry=REGISTRY)
DURATION = Histogram("care_passport_request_seconds", "HTTP request duration", ["method", "route"], registry=REGISTRY)

router = APIRouter(tags=["health"])
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@router.get("/metrics", operation_id="metrics", summary="Prometheus metrics", response_class=Response)
def metrics() -> Response:
    """Request counts and durations, by route template (text format 0.0.4)."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


class RequestMetrics:
    """Counts each request under its route's template (``/v1/passports/{pid}``), or ``other`` when none matched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            route = getattr(scope.get("route"), "path", "other")
            # A made-up method would be a new series each time: only the standard ones are labels.
            method = scope["method"] if scope["method"] in _METHODS else "other"
            REQUESTS.labels(method, route, str(status)).inc()
            DURATION.labels(method, route).observe(time.perf_counter() - started)
