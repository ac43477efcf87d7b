"""Page sessions and the limits on failed sign-ins, kept in the database so every worker process shares them.

A session is known by a random id that only the browser holds; the database keeps its SHA-256, the principal,
a CSRF token and when it was last used. A person's session ends after a short idle time (a wing kiosk is
shared), staff's after a longer one, and every session when the token it was opened with is revoked or expires
(its principal is looked up again on every request). The cookies that carry the id are the pages' business
(``api/pages/common/session.py``).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import delete, func, text, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from passport.services.local_keys import bound_to, keyed_digest
from passport.services.principals import Principal, current_principal, note_use, token_hash
from passport.services.storage import SignInAttemptRow, SignInCodeRow, WebSessionRow, as_utc, transaction, utcnow
from schemas.errors import NotAuthenticated

PERSON_IDLE = timedelta(minutes=10)
STAFF_IDLE = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
FAILED_SIGN_IN_WINDOW = timedelta(minutes=10)
MAX_SESSION_ID = 100


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: who, and the CSRF token its forms must carry."""

    principal: Principal
    csrf: str


def open_session(engine: Engine, principal: Principal, *, replacing: str | None = None) -> tuple[str, WebSession]:
    """A new session for ``principal``: its id (for the browser alone) and the session. The session the browser
    had (``replacing``) ends, so no old id lingers."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    with transaction(engine) as db:
        if replacing and len(replacing) <= MAX_SESSION_ID:
            db.execute(delete(WebSessionRow).where(col(WebSessionRow.id_hash) == token_hash(replacing)))
        db.add(
            WebSessionRow(
                id_hash=token_hash(session_id),
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
    return session_id, WebSession(principal, csrf)


def find_session(engine: Engine, session_id: str, *, person_idle: timedelta = PERSON_IDLE) -> WebSession | None:
    """The live session with this id (touching it, for the idle timeout), or ``None``: unknown, idle too long,
    too old, or its token revoked or expired since (an ended session is forgotten). A person's session ends after
    ``person_idle`` without a request."""
    if not session_id or len(session_id) > MAX_SESSION_ID:
        return None
    with transaction(engine) as db:
        row = db.get(WebSessionRow, token_hash(session_id))
        if row is None:
            return None
        now = utcnow()
        if now - as_utc(row.created_at) > ABSOLUTE_LIFETIME:
            db.delete(row)
            return None
        if now - as_utc(row.last_seen) > (person_idle if row.role == "person" else STAFF_IDLE):
            # A person's idle session is over, but kept until their browser says so (end_person_session), so that
            # what they were writing when it ran out can still be kept for them.
            if row.role != "person":
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


def end_person_session(engine: Engine, session_id: str, *, csrf: str) -> WebSession | None:
    """End a person's session that the browser says has run out (or that the server already ended for being idle),
    without spending their code: the session as it was, so that what they were writing can be kept for them; or
    ``None`` if there is no such person's session or the form's CSRF token is not its own. Only the browser that
    holds the session's id and its CSRF token can do this."""
    if not session_id or len(session_id) > MAX_SESSION_ID:
        return None
    with transaction(engine) as db:
        row = db.get(WebSessionRow, token_hash(session_id))
        if row is None or row.role != "person" or not hmac.compare_digest(row.csrf.encode(), csrf.encode()):
            return None
        db.delete(row)
        if utcnow() - as_utc(row.created_at) > ABSOLUTE_LIFETIME:
            return None
        try:
            return WebSession(current_principal(db, row.principal_id), row.csrf)
        except NotAuthenticated:
            return None


def close_session(engine: Engine, session_id: str) -> None:
    """Sign out: the session with this id ends, and a person's sign-in code with it (it is spent)."""
    if session_id and len(session_id) <= MAX_SESSION_ID:
        with transaction(engine) as db:
            row = db.get(WebSessionRow, token_hash(session_id))
            if row is None:
                return
            db.execute(
                update(SignInCodeRow)
                .where(col(SignInCodeRow.principal_id) == row.principal_id)
                .values(principal_id=None)
                .execution_options(synchronize_session=False)
            )
            db.delete(row)


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
