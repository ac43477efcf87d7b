"""Browser sessions for the pages: HttpOnly, SameSite=Strict cookies, a CSRF token per session, idle timeouts,
and a limit on failed sign-ins.

The cookie holds a random session id; the database holds only its SHA-256, the principal, the CSRF token and
when it was last used. A person's session ends after a short idle time (a wing kiosk is shared); staff's after
a longer one. Every form carries the session's CSRF token and every POST checks it; the sign-in forms, which
come before a session, use a double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from fastapi import Request, Response
from sqlalchemy import delete, func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from passport.local_keys import bound_to, keyed_digest
from passport.principals import Principal, current_principal, note_use
from passport.storage import SignInAttemptRow, WebSessionRow, as_utc, transaction, utcnow
from schemas.errors import AccessDenied, NotAuthenticated

SESSION_COOKIE = "cp_session"
SIGN_IN_CSRF_COOKIE = "cp_csrf"
PERSON_IDLE = timedelta(minutes=10)
STAFF_IDLE = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
FAILED_SIGN_IN_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: who, and the CSRF token its forms must carry."""

    principal: Principal
    csrf: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("ascii", "replace")).hexdigest()


def start(engine: Engine, request: Request, response: Response, principal: Principal, *, secure: bool) -> WebSession:
    """Open a session for ``principal`` with a new id, and set its cookie; any session this browser had ends."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    old = request.cookies.get(SESSION_COOKIE)
    with transaction(engine) as db:
        if old and len(old) <= 100:
            previous = db.get(WebSessionRow, _hash(old))
            if previous is not None:
                db.delete(previous)
        db.add(
            WebSessionRow(
                id_hash=_hash(session_id),
                principal_id=principal.id,
                org=principal.org,
                role=principal.role,
                person_pid=principal.person_pid,
                name=principal.name,
                csrf=csrf,
                created_at=now,
                last_seen=now,
            )
        )
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="strict", secure=secure, path="/", max_age=None
    )
    return WebSession(principal, csrf)


def load(engine: Engine, request: Request) -> WebSession | None:
    """The session the request's cookie names, if it is still live (touching it, for the idle timeout)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id or len(session_id) > 100:
        return None
    with transaction(engine) as db:
        row = db.get(WebSessionRow, _hash(session_id))
        if row is None:
            return None
        now = utcnow()
        idle = PERSON_IDLE if row.role == "person" else STAFF_IDLE
        if now - as_utc(row.last_seen) > idle or now - as_utc(row.created_at) > ABSOLUTE_LIFETIME:
            db.delete(row)
            return None
        try:
            principal = current_principal(db, row.principal_id)
        except NotAuthenticated:  # the token was revoked or has expired since: the session ends with it
            db.delete(row)
            return None
        row.last_seen = now
        db.add(row)
        note_use(db, principal.id)
        return WebSession(principal, row.csrf)


def end(engine: Engine, request: Request, response: Response) -> None:
    """Sign out: forget the session here and in the browser."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        with Session(engine) as db:
            row = db.get(WebSessionRow, _hash(session_id))
            if row is not None:
                db.delete(row)
                db.commit()
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


SignInForm = Literal["staff", "person"]
# Failed sign-ins allowed in the window, counted separately for each form: per address, and per target (the
# person whose code was tried). Many people share a wing kiosk's address, so it may fail more often than one
# person's code; a person's mistakes never hold back the staff form, nor other people's codes.
ADDRESS_FAILURES_ALLOWED: dict[SignInForm, int] = {"staff": 10, "person": 30}
TARGET_FAILURES_ALLOWED = 5


@dataclass(frozen=True)
class Ticket:
    """A sign-in under way: the failures it counts as until :func:`sign_in_succeeded` says it worked."""

    attempt_ids: tuple[int, ...]


def _counters(key: bytes, form: SignInForm, client: str, target: str | None) -> list[tuple[str, int]]:
    """What an attempt counts against, each as a keyed hash (an address is not kept, even as a plain hash)."""

    def counter(kind: str, value: str) -> str:
        return keyed_digest(key=key, purpose="sign-in limit", data=f"{form}:{kind}:{value}".encode())

    counters = [(counter("address", client), ADDRESS_FAILURES_ALLOWED[form])]
    if target is not None:
        counters.append((counter("target", target), TARGET_FAILURES_ALLOWED))
    return sorted(counters)  # always locked in the same order, so two attempts never wait on each other


def sign_in_attempt(engine: Engine, form: SignInForm, client: str, target: str | None = None) -> Ticket | None:
    """Start a sign-in on ``form`` from ``client`` (at ``target``, when the typed credential names whose it is):
    ``None`` if the address or the target failed too often in the window, else a ticket. The attempt counts as a
    failure until :func:`sign_in_succeeded`, so many at once cannot all slip in.

    Kept in the database, so every worker process counts the same failures; each counter is kept only as a hash.
    """
    now = utcnow()
    with transaction(engine) as db:
        counters = _counters(bound_to(db).code_key, form, client, target)
        if engine.dialect.name == "postgresql":
            # One attempt per counter at a time, so two cannot both count the same number of failures.
            for counter, _ in counters:
                db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:h))"), {"h": counter})
        db.execute(delete(SignInAttemptRow).where(col(SignInAttemptRow.at) < now - FAILED_SIGN_IN_WINDOW))
        for counter, allowed in counters:
            failures = db.exec(
                select(func.count()).select_from(SignInAttemptRow).where(SignInAttemptRow.counter_hash == counter)
            ).one()
            if failures >= allowed:
                return None
        attempts = [SignInAttemptRow(counter_hash=counter, at=now) for counter, _ in counters]
        db.add_all(attempts)
        db.flush()
        return Ticket(tuple(a.id for a in attempts if a.id is not None))


def sign_in_succeeded(engine: Engine, ticket: Ticket) -> None:
    """The sign-in holding ``ticket`` worked: it was not a failure after all."""
    with transaction(engine) as db:
        db.execute(delete(SignInAttemptRow).where(col(SignInAttemptRow.id).in_(ticket.attempt_ids)))


def when(moment: datetime) -> str:
    """A time as a person reads it: 3 March 2027, 14:05 (UTC)."""
    moment = as_utc(moment).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"
