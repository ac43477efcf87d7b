"""Calls between organisations: a short-lived JWT signed by the caller's own key, no shared secrets.

In the manner of RFC 7523 ``private_key_jwt`` client authentication: ``iss`` = ``sub`` = the caller's
organisation, ``aud`` = the organisation called, ``exp`` within minutes, and a unique ``jti`` that the callee
refuses to see twice. The callee checks the signature against its trust store.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete

from crypto import SigningKey, TrustStore, sign_compact
from passport.services.storage import SeenAssertionRow
from schemas.errors import NotAuthenticated, PassportError

CLIENT_ASSERTION_TYP = "cp-client+jwt"
LIFETIME_SECONDS = 120
MAX_LIFETIME_SECONDS = 300
CLOCK_SKEW_SECONDS = 60
MAX_JTI_CHARS = 128  # with the issuer, it must fit the seen_assertion key


def make_client_assertion(*, key: SigningKey, issuer: str, audience: str, now: int) -> str:
    """A bearer assertion for calling ``audience`` as ``issuer``."""
    claims = {
        "iss": issuer,
        "sub": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + LIFETIME_SECONDS,
        "jti": secrets.token_urlsafe(24),
    }
    return sign_compact(key=key, typ=CLIENT_ASSERTION_TYP, claims=claims)


def looks_like_assertion(token: str) -> bool:
    """A compact JWS (our own bearer tokens have no dots)."""
    return token.count(".") == 2


def verify_client_assertion(session: Session, token: str, *, trust: TrustStore, audience: str, now: int) -> str:
    """The calling organisation, once its assertion verifies and its ``jti`` is new; else ``not_authenticated``."""
    try:
        claims = trust.verify(token, typ=CLIENT_ASSERTION_TYP).claims
    except PassportError as exc:
        raise NotAuthenticated(f"the client assertion does not verify ({exc.code})") from exc
    iss, exp, iat, jti = claims.get("iss"), claims.get("exp"), claims.get("iat"), claims.get("jti")
    if claims.get("sub") != iss or claims.get("aud") != audience:
        raise NotAuthenticated("the client assertion is not for this organisation")
    if not _is_int(exp) or not _is_int(iat) or not isinstance(jti, str) or not 16 <= len(jti) <= MAX_JTI_CHARS:
        raise NotAuthenticated("the client assertion lacks exp, iat or jti")
    assert isinstance(exp, int) and isinstance(iat, int)
    if exp <= now - CLOCK_SKEW_SECONDS or iat > now + CLOCK_SKEW_SECONDS or exp - iat > MAX_LIFETIME_SECONDS:
        raise NotAuthenticated("the client assertion has expired or lives too long")
    _remember(session, jti=jti, issuer=str(iss), exp=exp, now=now)
    return str(iss)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _remember(session: Session, *, jti: str, issuer: str, exp: int, now: int) -> None:
    """Record the jti; a second use of one is a replay. Expired ones are forgotten on the way."""
    stamp = datetime.fromtimestamp(now, UTC)
    session.execute(delete(SeenAssertionRow).where(col(SeenAssertionRow.expires_at) < stamp - timedelta(minutes=10)))
    session.add(SeenAssertionRow(jti=f"{issuer}:{jti}", issuer=issuer, expires_at=datetime.fromtimestamp(exp, UTC)))
    try:
        session.flush()
    except IntegrityError as exc:
        raise NotAuthenticated("the client assertion was used before (a replay)") from exc
