"""Browser sessions for the pages: HttpOnly, SameSite=Strict cookies and a CSRF token per session.

What a session is, how long it lasts and the limits on failed sign-ins are the services' (``web_sessions``);
here are the cookies that carry a session's id, and the CSRF checks. Every form carries the session's CSRF token
and every POST checks it; the sign-in forms, which come before a session, use a double-submit cookie instead.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime

from fastapi import Request, Response
from sqlalchemy.engine import Engine

from passport.services import Principal, WebSession, as_utc, close_session, find_session, open_session
from schemas.errors import AccessDenied

SESSION_COOKIE = "cp_session"
SIGN_IN_CSRF_COOKIE = "cp_csrf"


def start(engine: Engine, request: Request, response: Response, principal: Principal, *, secure: bool) -> WebSession:
    """Open a session for ``principal`` with a new id, and set its cookie; any session this browser had ends."""
    session_id, web = open_session(engine, principal, replacing=request.cookies.get(SESSION_COOKIE))
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="strict", secure=secure, path="/", max_age=None
    )
    return web


def load(engine: Engine, request: Request) -> WebSession | None:
    """The session the request's cookie names, if it is still live."""
    return find_session(engine, request.cookies.get(SESSION_COOKIE) or "")


def end(engine: Engine, request: Request, response: Response) -> None:
    """Sign out: forget the session here and in the browser."""
    close_session(engine, request.cookies.get(SESSION_COOKIE) or "")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def check_csrf(expected: str, given: str | None) -> None:
    """Refuse a form whose CSRF token is missing or wrong (compared in constant time)."""
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise AccessDenied("this form has expired; please go back, reload the page and try again")


def sign_in_csrf(request: Request, response: Response) -> str:
    """The double-submit token for a sign-in form, set as a cookie if the browser has none."""
    token = request.cookies.get(SIGN_IN_CSRF_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(32)
        response.set_cookie(SIGN_IN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return token


def check_sign_in_csrf(request: Request, given: str | None) -> None:
    """A sign-in form must send back the token its cookie holds."""
    check_csrf(request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(8), given)


def when(moment: datetime) -> str:
    """A time as a person reads it: 3 March 2027, 14:05 (UTC)."""
    moment = as_utc(moment).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"
