"""Bearer-token principals: an organisation and a role, the token stored only as its SHA-256.

Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely (no
password-style stretching is needed for a secret that cannot be guessed), and a look-up
by hash never compares secrets byte by byte.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, select

from passport.identity import ORG_ID_PATTERN
from passport.storage import PrincipalRow, utcnow
from schemas import AUDIENCES
from schemas.errors import InvalidRequest, NotAuthenticated

TokenRole = Literal["admin", "care_staff", "reception", "authority", "auditor"]
TOKEN_ROLES: tuple[TokenRole, ...] = ("admin", "care_staff", "reception", "authority", "auditor")
TOKEN_PREFIX = "cpt_"  # noqa: S105 - a visible prefix so leaked tokens can be found by scanners, not a secret


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


def create_principal(
    session: Session, *, org: str, role: str, audience: str | None = None, name: str = ""
) -> tuple[str, Principal]:
    """Make a principal and return its new bearer token (shown once, never stored) with it."""
    if role not in TOKEN_ROLES:
        raise InvalidRequest(f"the role must be one of {', '.join(TOKEN_ROLES)}")
    if not ORG_ID_PATTERN.fullmatch(org):
        raise InvalidRequest("the organisation id must look like prison:WYI, la:E08000012, health:RW4")
    if role == "authority" and audience not in AUDIENCES:
        raise InvalidRequest(f"an authority needs an audience: one of {', '.join(AUDIENCES)}")
    if role != "authority" and audience is not None:
        raise InvalidRequest("only an authority has an audience")
    if len(name) > 200:
        raise InvalidRequest("the name must be at most 200 characters")
    return _add(session, org=org, role=role, audience=audience, name=name)


def create_person_principal(session: Session, *, org: str, pid: str) -> tuple[str, Principal]:
    """A principal for the person whose passport ``pid`` is: they may read only that passport, on their pages."""
    return _add(session, org=org, role="person", person_pid=pid)


def _add(
    session: Session, *, org: str, role: str, audience: str | None = None, name: str = "", person_pid: str | None = None
) -> tuple[str, Principal]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = PrincipalRow(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        org=org,
        role=role,
        audience=audience,
        person_pid=person_pid,
        name=name,
        created_at=utcnow(),
    )
    session.add(row)
    return token, Principal(row.id, org, role, audience, name, person_pid)


def authenticate(session: Session, token: str) -> Principal:
    """The principal a bearer token belongs to, or :class:`NotAuthenticated`."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise NotAuthenticated("the bearer token is not valid")
    row = session.exec(select(PrincipalRow).where(PrincipalRow.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("the bearer token is not valid")
    return Principal(row.id, row.org, row.role, row.audience, row.name, row.person_pid)
