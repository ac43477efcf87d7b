"""Browser sessions for the pages: HttpOnly, SameSite=Strict cookies, a CSRF token per session, and who is signed in.

What a session is, how long it lasts and the limits on failed sign-ins are the services' (``web_sessions``);
here are the cookies that carry a session's id, the CSRF checks, and the dependencies that give a page its
signed-in staff or person (``StaffSession``, ``PersonSession``) or send the browser to sign in first. Every form
carries the session's CSRF token and every POST checks it; the sign-in forms, which come before a session, use a
double-submit cookie instead.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.engine import Engine

from api.deps import DeploymentDep
from passport.services import Principal, WebSession, close_session, end_person_session, find_session, open_session
from schemas.errors import AccessDenied

SESSION_COOKIE = "cp_session"
SIGN_IN_CSRF_COOKIE = "cp_csrf"
# Auditors read the audit trail through the API; none of the pages is for them.
STAFF_ROLES = frozenset({"admin", "care_staff", "reception"})


def start(engine: Engine, request: Request, response: Response, principal: Principal, *, secure: bool) -> WebSession:
    """Open a session for ``principal`` with a new id, and set its cookie; any session this browser had ends."""
    session_id, web = open_session(engine, principal, replacing=request.cookies.get(SESSION_COOKIE))
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="strict", secure=secure, path="/", max_age=None
    )
    return web


def person_idle(request: Request) -> timedelta:
    """How long a person's pages stay open with nothing happening (the settings' ``person_idle``)."""
    idle: timedelta = request.app.state.person_idle
    return idle


def load(engine: Engine, request: Request) -> WebSession | None:
    """The session the request's cookie names, if it is still live."""
    return find_session(engine, request.cookies.get(SESSION_COOKIE) or "", person_idle=person_idle(request))


def end_timed_out(engine: Engine, request: Request, response: Response, csrf: str) -> WebSession | None:
    """A person's pages ran out of time: end the session without spending their sign-in code, and forget it in the
    browser. The session as it was (if the form's CSRF token is its own), so that what they wrote can be kept."""
    ended = end_person_session(engine, request.cookies.get(SESSION_COOKIE) or "", csrf=csrf)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return ended


def end(engine: Engine, request: Request, response: Response) -> None:
    """Sign out: forget the session here and in the browser."""
    close_session(engine, request.cookies.get(SESSION_COOKIE) or "")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def csrf_matches(expected: str, given: str | None) -> bool:
    """Whether a form's CSRF token is the one expected (compared in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def check_csrf(expected: str, given: str | None) -> None:
    """Refuse a form whose CSRF token is missing or wrong."""
    if not csrf_matches(expected, given):
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


class SignInNeeded(Exception):
    """No live session of the right kind: send the browser to sign in, then back."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _session(request: Request, deployment: DeploymentDep) -> WebSession | None:
    return load(deployment.engine, request)


def staff_session(request: Request, deployment: DeploymentDep) -> WebSession:
    """This organisation's staff, signed in (else: to the staff sign-in page)."""
    found = _session(request, deployment)
    if found is None or found.principal.role not in STAFF_ROLES or found.principal.org != deployment.identity.org_id:
        raise SignInNeeded(f"/staff/sign-in?next={request.url.path}")
    return found


def person_session(request: Request, deployment: DeploymentDep) -> WebSession:
    """The person, signed in with their code (else: to the person's sign-in page)."""
    found = _session(request, deployment)
    if found is None or found.principal.role != "person":
        raise SignInNeeded("/me/sign-in")
    return found


StaffSession = Annotated[WebSession, Depends(staff_session)]
PersonSession = Annotated[WebSession, Depends(person_session)]
