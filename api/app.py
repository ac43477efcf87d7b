"""The FastAPI application: routers, problem+json errors, request caps and security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import metrics, pages, problems
from api.limits import BodyLimit
from api.routes import cards, health, notices, passports, sharing, stats, verify, wellknown
from api.schedule import delivering
from api.settings import Settings
from passport.core import MAX_HISTORY_CHARS, MAX_IMAGE_BYTES
from passport.services import Deployment

API_TITLE = "Care Passport"
STATIC = Path(__file__).parent / "static"
API_VERSION = "1.0.0"
# How uvicorn runs the app, wherever it is started. Its own X-Forwarded-For handling is off (by default it
# believes any client on 127.0.0.1): the app believes only the proxies its settings name (see create_app). Request
# lines carry passport ids, so there is no access log; the audit trail records access instead.
SERVER_OPTIONS: dict[str, Any] = {
    "proxy_headers": False,
    "server_header": False,
    "access_log": False,
    "log_level": "warning",
}


def build_app() -> FastAPI:
    """The app without a deployment attached: enough for the OpenAPI document."""
    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        summary="Signed, versioned care passports for people in prison, verifiable offline.",
        # The reference is openapi/openapi.json (and /openapi.json); an interactive page would need scripts
        # from elsewhere, which this service's Content-Security-Policy never allows.
        docs_url=None,
        redoc_url=None,
    )
    problems.install(app, pages=pages.ERROR_PAGES)
    for module in (passports, sharing, cards, verify, notices, stats, wellknown, health, metrics):
        app.include_router(module.router)
    pages.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def create_app(settings: Settings) -> FastAPI:
    """The app for a deployment: its identity and database are opened once, here."""
    app = build_app()
    app.state.deployment = Deployment.open(home=settings.home, database_url=settings.database_url)
    app.router.lifespan_context = delivering(app.state.deployment, settings)
    app.state.person_idle = settings.person_idle
    # A photo of a card, or a whole history, may be larger than any other body; the framing around it adds a little.
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        image_limit=MAX_IMAGE_BYTES + 64 * 1024,
        history_limit=MAX_HISTORY_CHARS + 64 * 1024,
    )
    app.add_middleware(metrics.RequestMetrics)
    if settings.trusted_proxies:  # added after the others, so they and every route see the client the proxy names
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in problems.SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def app_from_env() -> FastAPI:
    """The app for the deployment the environment names (uvicorn's factory for ``passport serve``)."""
    return create_app(Settings.from_env())
