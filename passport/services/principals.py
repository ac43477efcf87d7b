"""Bearer-token principals: an organisation and a role, the token stored only as its SHA-256.

Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely (no
password-style stretching is needed for a secret that cannot be guessed), and a look-up
by hash never compares secrets byte by byte. Every token expires, and can be revoked at once:
a revoked or expired token stops working for the API and for any page session it opened.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from passport.services import audit
from passport.services.storage import PrincipalRow, as_utc, utcnow
from schemas import AUDIENCES, is_org_id
from schemas.errors import AlreadyExists, InvalidRequest, NotAuthenticated, NotFound

TokenRole = Literal["admin", "care_staff", "reception", "authority", "auditor"]
TOKEN_ROLES: tuple[TokenRole, ...] = ("admin", "care_staff", "reception", "authority", "auditor")
TOKEN_PREFIX = "cpt_"  # noqa: S105 - a visible prefix so leaked tokens can be found by scanners, not a secret
# How long a token works unless `--expires-in` says otherwise: a quarter for staff, a year for another
# service's token (an authority's system), and never more than two years.
STAFF_TOKEN_LIFETIME = timedelta(days=90)
AUTHORITY_TOKEN_LIFETIME = timedelta(days=365)
LONGEST_TOKEN_LIFETIME = timedelta(days=730)
PERSON_LIFETIME = timedelta(hours=12)  # a person's principal lasts as long as the longest page session
USE_NOTED_EVERY = timedelta(minutes=5)  # "last used" is kept to within this, so reads rarely write
_LIFETIME = re.compile(r"([1-9][0-9]{0,4})([hdw])")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
# A name is shown one token to a line (`passport token list`): no control characters (tabs, newlines, terminal
# escapes), line or paragraph separators, or unpaired surrogates. Joiners such as ZWNJ, in many names, are fine.
_NOT_IN_A_NAME = frozenset({"Cc", "Zl", "Zp", "Cs"})


@dataclass(frozen=True)
class Principal:
    """Who a request acts as."""

    id: str
    org: str
    role: str
    audience: str | None = None
    name: str = ""
    person_pid: str | None = None


_AUDIENCE_BY_PREFIX = {"prison": "prison", "la": "local_authority", "health": "health", "probation": "probation"}


def audience_of(org: str) -> str:
    """The audience an organisation's views are for, from the kind its id names (``la:`` -> local_authority)."""
    return _AUDIENCE_BY_PREFIX[org.split(":", 1)[0]]


def token_hash(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_lifetime(text: str) -> timedelta:
    """A token's lifetime as typed: ``12h``, ``30d`` or ``8w`` (:func:`create_principal` says how long may be)."""
    found = _LIFETIME.fullmatch(text.strip().lower())
    if found is None:
        raise InvalidRequest("the lifetime must be a number of hours, days or weeks, such as 12h, 30d or 8w")
    return int(found[1]) * _UNIT[found[2]]


def create_principal(
    session: Session,
    *,
    org: str,
    role: str,
    audience: str | None = None,
    name: str = "",
    lifetime: timedelta | None = None,
) -> tuple[str, Principal]:
    """Make a principal and return its new bearer token (shown once, never stored) with it. The token expires
    after ``lifetime`` (by default 90 days for staff, a year for an authority's system)."""
    if role not in TOKEN_ROLES:
        raise InvalidRequest(f"the role must be one of {', '.join(TOKEN_ROLES)}")
    if not is_org_id(org):
        raise InvalidRequest("the organisation id must look like prison:WYI, la:E08000012, health:RW4")
    if role == "authority" and audience not in AUDIENCES:
        raise InvalidRequest(f"an authority needs an audience: one of {', '.join(AUDIENCES)}")
    if role != "authority" and audience is not None:
        raise InvalidRequest("only an authority has an audience")
    if len(name) > 200 or any(unicodedata.category(ch) in _NOT_IN_A_NAME for ch in name):
        raise InvalidRequest("the name must be one line of at most 200 characters, with no control characters")
    if lifetime is None:
        lifetime = AUTHORITY_TOKEN_LIFETIME if role == "authority" else STAFF_TOKEN_LIFETIME
    if not timedelta(0) < lifetime <= LONGEST_TOKEN_LIFETIME:
        raise InvalidRequest(f"a token may live from an hour to {LONGEST_TOKEN_LIFETIME.days} days")
    return _add(session, org=org, role=role, audience=audience, name=name, lifetime=lifetime)


def create_person_principal(session: Session, *, org: str, pid: str) -> tuple[str, Principal]:
    """A principal for the person whose passport ``pid`` is: they may read only that passport, on their pages."""
    return _add(session, org=org, role="person", person_pid=pid, lifetime=PERSON_LIFETIME)


def _add(
    session: Session,
    *,
    org: str,
    role: str,
    lifetime: timedelta,
    audience: str | None = None,
    name: str = "",
    person_pid: str | None = None,
) -> tuple[str, Principal]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = PrincipalRow(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        org=org,
        role=role,
        audience=audience,
        person_pid=person_pid,
        name=name,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    return token, _principal(row)


def _principal(row: PrincipalRow) -> Principal:
    return Principal(row.id, row.org, row.role, row.audience, row.name, row.person_pid)


def _live(row: PrincipalRow | None, now: datetime) -> PrincipalRow:
    """The row, if its token still works: not revoked, not expired."""
    if row is None or row.revoked_at is not None or (row.expires_at is not None and as_utc(row.expires_at) <= now):
        raise NotAuthenticated("the bearer token is not valid")
    return row


@dataclass(frozen=True)
class Authenticated:
    """Who a bearer token belongs to, and whether its use is due to be noted (see :func:`note_use`)."""

    principal: Principal
    use_due: bool


def authenticate(session: Session, token: str) -> Authenticated:
    """The principal a live bearer token belongs to, or :class:`NotAuthenticated` (unknown, revoked or expired)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise NotAuthenticated("the bearer token is not valid")
    now = utcnow()
    row = _live(session.exec(select(PrincipalRow).where(PrincipalRow.token_hash == token_hash(token))).first(), now)
    due = row.last_used_at is None or now - as_utc(row.last_used_at) >= USE_NOTED_EVERY
    return Authenticated(_principal(row), due)


def current_principal(session: Session, principal_id: str) -> Principal:
    """The principal with this id as it is now, if its token still works (a page session checks on every request
    that the token it was opened with has not been revoked or expired since)."""
    return _principal(_live(session.get(PrincipalRow, principal_id), utcnow()))


def note_use(session: Session, principal_id: str) -> None:
    """Record that the principal's token was used now (a no-op if that was noted a few minutes ago)."""
    now = utcnow()
    session.execute(
        update(PrincipalRow)
        .where(
            col(PrincipalRow.id) == principal_id,
            or_(col(PrincipalRow.last_used_at).is_(None), col(PrincipalRow.last_used_at) < now - USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class TokenInfo:
    """A bearer token as an administrator lists it: never the token itself."""

    id: str
    name: str
    role: str
    org: str
    audience: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


def list_tokens(session: Session) -> list[TokenInfo]:
    """The staff and authority tokens that have not been revoked, oldest first (expired ones too, so they can
    be seen and replaced). People's sign-ins are not tokens anyone holds, so they are not listed."""
    rows = session.exec(
        select(PrincipalRow)
        .where(col(PrincipalRow.role) != "person", col(PrincipalRow.revoked_at).is_(None))
        .order_by(col(PrincipalRow.created_at), col(PrincipalRow.id))
    )
    return [_info(row) for row in rows]


def token_info(session: Session, principal_id: str) -> TokenInfo:
    """One token, as :func:`list_tokens` shows it."""
    row = session.get(PrincipalRow, principal_id)
    if row is None or row.role == "person":
        raise NotFound("no such token (see passport token list)")
    return _info(row)


def _info(row: PrincipalRow) -> TokenInfo:
    return TokenInfo(
        row.id,
        row.name,
        row.role,
        row.org,
        row.audience,
        as_utc(row.created_at),
        as_utc(row.expires_at) if row.expires_at else None,
        as_utc(row.last_used_at) if row.last_used_at else None,
    )


def revoke_token(session: Session, principal_id: str, *, actor: audit.Actor) -> None:
    """Revoke a token from now: the API refuses it and every page session it opened ends on its next request."""
    token_info(session, principal_id)  # a token, not a person's sign-in
    # Only a live token passes, in one statement, so two revocations at once cannot both be recorded.
    revoked = session.execute(
        update(PrincipalRow)
        .where(col(PrincipalRow.id) == principal_id, col(PrincipalRow.revoked_at).is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if revoked.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyExists("that token was already revoked")
    audit.record(session, actor=actor, action="token_revoke", detail=json.dumps({"token": principal_id}))
