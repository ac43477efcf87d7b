"""The FastAPI application: routers, problem+json errors, request caps and security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from api import problems
from api.routes import health, passports, sharing, verify, wellknown
from api.settings import Settings
from passport.deployment import Deployment
from schemas.errors import InvalidRequest

API_TITLE = "Care Passport"
API_VERSION = "1.0.0"
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # passports are special category data: never cached on the way
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def build_app() -> FastAPI:
    """The app without a deployment attached: enough for the OpenAPI document."""
    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        summary="Signed, versioned care passports for people in prison, verifiable offline.",
        docs_url="/docs",
        redoc_url=None,
    )
    problems.install(app)
    for module in (passports, sharing, verify, wellknown, health):
        app.include_router(module.router)
    return app


def create_app(settings: Settings) -> FastAPI:
    """The app for a deployment: its identity and database are opened once, here."""
    app = build_app()
    app.state.deployment = Deployment.open(home=settings.home, database_url=settings.database_url)
    limit = settings.max_body_bytes

    @app.middleware("http")
    async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return problems.problem_response(InvalidRequest("the request body is too large"), status=413)
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def app_from_env() -> FastAPI:
    """The app for the deployment the environment names (uvicorn's factory for ``passport serve``)."""
    return create_app(Settings.from_env())
