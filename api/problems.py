"""RFC 9457 problem details: the one place where errors become HTTP responses.

Every :class:`PassportError` maps to a status by its class; request-validation errors
become ``invalid_content`` naming each field, without echoing what was sent (it may be
health data). Nothing else reaches the client: an unexpected exception is a bare 500
with no detail, and its traceback goes to the log without the request body.

This layer knows nothing of the web pages. The app hands ``install`` an :class:`ErrorPages` (``api.pages`` has
one): for the requests it ``shows``, an error is drawn as its page, with the same status, instead of problem+json.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auditing import audit_refusal
from schemas import describe_errors
from schemas.errors import (
    AccessDenied,
    AlreadyExists,
    AuditTampered,
    ChainError,
    ConfigurationError,
    ContentTooLarge,
    CustodyViolation,
    ForkDetected,
    InvalidContent,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PassportError,
    PreconditionRequired,
    RollbackDetected,
    StaleVersion,
    TokenError,
    UntrustedIssuer,
)

log = logging.getLogger("care_passport")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # passports are special category data: never cached on the way
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
PROBLEM_JSON = "application/problem+json"

# Most specific first: the first class an error is an instance of decides its status.
STATUS_BY_ERROR: tuple[tuple[type[PassportError], int], ...] = (
    (InvalidContent, 422),
    (InvalidRequest, 400),
    (NotAuthenticated, 401),
    (AccessDenied, 403),
    (NotFound, 404),
    (ContentTooLarge, 413),
    (CustodyViolation, 409),
    (ForkDetected, 409),
    (RollbackDetected, 409),
    (AlreadyExists, 409),
    (AuditTampered, 503),  # this deployment's own trail, not what a client sent
    (StaleVersion, 412),
    (PreconditionRequired, 428),
    (TokenError, 422),
    (UntrustedIssuer, 422),
    (ChainError, 422),
    (ConfigurationError, 503),
    (PassportError, 400),
)


def status_for(error: PassportError) -> int:
    """The HTTP status of an error."""
    return next(status for cls, status in STATUS_BY_ERROR if isinstance(error, cls))


def problem_response(error: PassportError, *, status: int | None = None) -> JSONResponse:
    """An ``application/problem+json`` response for one of our errors."""
    status = status or status_for(error)
    body: dict[str, object] = {
        "type": f"urn:care-passport:problem:{error.code}",
        "title": error.title,
        "status": status,
        "detail": error.detail,
        "code": error.code,
    }
    if error.errors:
        body["errors"] = error.errors
    body |= error.extensions()
    headers = {"WWW-Authenticate": 'Bearer realm="care-passport"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


class ErrorPages(Protocol):
    """How errors look on requests that are not for the API (the web pages): the same errors, drawn another way."""

    def shows(self, request: Request) -> bool:
        """Whether errors on this request are drawn here rather than as problem+json."""
        ...

    def error(self, request: Request, error: PassportError) -> Response:
        """One of our errors (its status is ``status_for(error)``)."""
        ...

    def unexpected(self, request: Request) -> Response:
        """An unexpected error: a 500 that says nothing of what went wrong."""
        ...


def _without_body(errors: Sequence[Any]) -> list[Any]:
    """FastAPI's errors, located from inside the body (its locations start with "body")."""
    return [
        {**e, "loc": tuple(e.get("loc", ())[1:]) if e.get("loc", ())[:1] == ("body",) else e.get("loc", ())}
        for e in errors
    ]


def install(app: FastAPI, *, pages: ErrorPages | None = None) -> None:
    """Register the handlers on an app; errors on the requests ``pages`` shows are drawn by it."""

    def shown(request: Request, error: PassportError) -> Response:
        if pages is not None and pages.shows(request):
            return pages.error(request, error)
        return problem_response(error)

    @app.exception_handler(PassportError)
    async def _passport_error(request: Request, exc: PassportError) -> Response:
        return shown(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        await run_in_threadpool(
            audit_refusal,
            request,
            request.state.principal if hasattr(request.state, "principal") else None,
            "invalid_content",
        )
        errors = describe_errors(_without_body(exc.errors()), exc.body)
        invalid = InvalidContent("the request body is not valid", errors=errors)
        return shown(request, invalid)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            missing = NotFound("there is no page here")
            return shown(request, missing)
        if exc.status_code == 405:
            return problem_response(InvalidRequest("that method is not allowed here"), status=405)
        return problem_response(InvalidRequest(str(exc.detail)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Only the route is logged: a path may hold a passport id, and the body personal data.
        route = getattr(request.scope.get("route"), "path", "an unknown route")
        log.exception("unexpected error on %s %s", request.method, route)
        response: Response
        if pages is not None and pages.shows(request):
            response = pages.unexpected(request)
        else:
            body = {
                "type": "about:blank",
                "title": "Internal error",
                "status": 500,
                "detail": "something went wrong on our side; nothing was changed",
                "code": "internal_error",
            }
            response = JSONResponse(body, status_code=500, media_type=PROBLEM_JSON)
        # This handler runs outside the app's own middleware, so it sets the security headers itself.
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
