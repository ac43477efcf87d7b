"""Release notices and receipts as signed messages between two organisations.

A notice is a compact JWS (``typ: cp-notice+jwt``) signed by the releasing prison's key; a receipt is one
(``typ: cp-receipt+jwt``) signed by the local authority's. Each names its sender (``iss``), its one recipient
(``aud``), when it was made (``iat``), and carries :class:`schemas.notices.NoticeClaims` or
:class:`schemas.notices.ReceiptClaims` under ``notice`` or ``receipt``. Explicit types keep a notice from passing
as a receipt, a card or a client assertion (RFC 8725 s.3.11); the recipient checks ``aud`` so that a notice for one
authority cannot be replayed to another, and checks the sender against its trust store alone.

A notice's view, where there is one, is verified as any view is (``verify_token``): signed by the same prison,
for the same passport, and bound to the recipient by its Key Binding JWT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from pydantic import ValidationError

from crypto import SigningKey, TrustStore, sign_compact
from passport.core.verification import Verification, verify_token
from schemas import describe_errors, eighteenth_birthday
from schemas.errors import NoticeInvalid, PassportError
from schemas.notices import NoticeClaims, ReceiptClaims

NOTICE_TYP = "cp-notice+jwt"
RECEIPT_TYP = "cp-receipt+jwt"
_Claims = TypeVar("_Claims", NoticeClaims, ReceiptClaims)


@dataclass(frozen=True)
class ReadNotice:
    """A notice that verified: who sent it, when, what it says, and its view verified, if it had one."""

    sender: str
    issued_at: int
    claims: NoticeClaims
    view: Verification | None


@dataclass(frozen=True)
class ReadReceipt:
    """A receipt that verified: who sent it, when, and what it says."""

    sender: str
    issued_at: int
    claims: ReceiptClaims


def transition_assessment_due(date_of_birth: date, expected_release: date) -> bool:
    """Care Act 2014 s.58: a young person turning 18 in the year before release or within six months after it
    needs a transition assessment, and the notice says so. (A fixed window around the release, not today's
    date, so that the flag does not change by itself as time passes.)"""
    eighteenth = eighteenth_birthday(date_of_birth)
    return expected_release - timedelta(days=365) < eighteenth <= expected_release + timedelta(days=183)


def sign_notice(claims: NoticeClaims, *, key: SigningKey, sender: str, recipient: str, now: int) -> str:
    """A notice from ``sender`` to ``recipient``."""
    return _sign(NOTICE_TYP, "notice", claims.model_dump(mode="json"), key, sender, recipient, now)


def sign_receipt(claims: ReceiptClaims, *, key: SigningKey, sender: str, recipient: str, now: int) -> str:
    """A receipt from ``sender`` to ``recipient``."""
    return _sign(RECEIPT_TYP, "receipt", claims.model_dump(mode="json"), key, sender, recipient, now)


def read_notice(
    text: str, *, trust: TrustStore, recipient: str, now: int, received_at: int | None = None
) -> ReadNotice:
    """A notice for ``recipient``, verified against ``trust``; its view, if any, verified and bound to it.

    Checking again a notice that arrived earlier, ``received_at`` is when it did: its view's age is judged as of
    then, since a view is as fresh as it was when given and does not go bad by being kept (keys and signatures are
    checked against today's trust store all the same)."""
    sender, issued_at, body = _read(text, NOTICE_TYP, "notice", trust, recipient)
    claims = _model(NoticeClaims, body)
    if claims.releasing != sender:
        raise NoticeInvalid("a notice comes from the releasing prison itself")
    view = None
    if claims.view is not None:
        try:
            view = verify_token(claims.view, trust=trust, audience=recipient, now=received_at or now)
        except PassportError as exc:
            raise NoticeInvalid(f"the notice's view does not verify ({exc.code})") from exc
        if view.kind != "view" or view.version.issuer != sender or view.version.pid != claims.pid:
            raise NoticeInvalid("the notice's view is not of this passport from this prison")
    return ReadNotice(sender, issued_at, claims, view)


def read_receipt(text: str, *, trust: TrustStore, recipient: str) -> ReadReceipt:
    """A receipt for ``recipient``, verified against ``trust``."""
    sender, issued_at, body = _read(text, RECEIPT_TYP, "receipt", trust, recipient)
    return ReadReceipt(sender, issued_at, _model(ReceiptClaims, body))


def _sign(typ: str, name: str, body: dict[str, Any], key: SigningKey, sender: str, recipient: str, now: int) -> str:
    return sign_compact(key=key, typ=typ, claims={"iss": sender, "aud": recipient, "iat": now, name: body})


def _read(text: str, typ: str, name: str, trust: TrustStore, recipient: str) -> tuple[str, int, object]:
    claims = trust.verify(text, typ=typ).claims  # the signature, and that the sender owns the key
    if claims.get("aud") != recipient:
        raise NoticeInvalid(f"this {name} is for another organisation")
    iat = claims.get("iat")
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise NoticeInvalid(f"the {name} has no valid issue time")
    return str(claims["iss"]), iat, claims.get(name)


def _model(model: type[_Claims], body: object) -> _Claims:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        what = model.__name__.removesuffix("Claims").lower()
        raise NoticeInvalid(f"the {what} is not well formed", errors=describe_errors(exc.errors(), body)) from exc
