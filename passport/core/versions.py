"""A passport version: an SD-JWT whose always-visible claims carry no personal data.

Visible: ``iss``, ``iat``, ``vct``, ``pid``, ``ver``, ``prev`` (absent on version 1),
``custody`` (``org``, and ``next`` when the version hands the passport over), ``cnf``
(the custodian's key, which binds views) and the digests. Every content section, and every
item of a list section, is its own disclosure. The details of a handover (reason, date)
are a disclosure too, never shown in the clear.

The **version digest** is base64url(SHA-256(issuer-signed JWT)). A version has exactly one identity: its
issuer-signed JWT must be in the canonical encoding we sign (low-``s``; :func:`crypto.require_canonical`), so
nobody can re-encode the signature into a second valid version with another digest.

A version as issued (the **custody copy**) is provably whole: the ``manifest`` disclosure lists the digest of
every other disclosure, and :meth:`Version.verify` refuses a copy from which any was removed. Views never
carry the manifest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from crypto import (
    SD_JWT_TYP,
    PublicKey,
    SdJwt,
    SigningKey,
    TrustStore,
    VerifiedSdJwt,
    issue_sd_jwt,
    require_canonical,
    require_complete,
    verify_sd_jwt,
)
from schemas import UUID4_REGEX, PassportContent, content_to_claims, parse_content
from schemas.errors import (
    ContentTooLarge,
    InvalidContent,
    InvalidRequest,
    IssueTimeInvalid,
    MalformedToken,
    TokenTooLarge,
)

VCT = "urn:care-passport:passport:1"
HANDOVER_CLAIM = "handover"
MANIFEST_CLAIM = "manifest"  # the custody copy's list of every disclosure digest; never in a view
# Claims of a version that are not passport content: custody's own business, never shown in a view.
NON_CONTENT_CLAIMS = frozenset({HANDOVER_CLAIM, MANIFEST_CLAIM})
# No care passport was issued before this (2024-01-01T00:00:00Z): an earlier iat is a forgery or a broken clock.
EARLIEST_IAT = 1_704_067_200
# A version dated this far ahead of the verifier's clock was not made by an honest one.
CLOCK_SKEW_SECONDS = 300
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PID_PATTERN = re.compile(UUID4_REGEX)
HandoverReason = Literal["transfer", "release"]


@dataclass(frozen=True)
class Custody:
    """Who issued a version and, on a handover, the organisation that takes custody next."""

    org: str
    next: str | None = None

    @property
    def custodian_after(self) -> str:
        """The organisation that must sign the next version."""
        return self.next or self.org

    def to_claim(self) -> dict[str, str]:
        """The visible ``custody`` claim."""
        return {"org": self.org} | ({"next": self.next} if self.next else {})

    @classmethod
    def from_claim(cls, claim: object, *, iss: str) -> Custody:
        """Parse and check ``custody``: its ``org`` must be the issuer."""
        if not isinstance(claim, dict) or claim.get("org") != iss:
            raise MalformedToken("the custody claim must name the issuer")
        nxt = claim.get("next")
        if nxt is not None and (not isinstance(nxt, str) or nxt == iss):
            raise MalformedToken("custody.next must name another organisation")
        if set(claim) - {"org", "next"}:
            raise MalformedToken("the custody claim has unknown members")
        return cls(org=iss, next=nxt)


@dataclass(frozen=True)
class Handover:
    """A handover of custody: to whom, why and on which day (YYYY-MM-DD, like every date in a passport)."""

    to: str
    reason: HandoverReason
    date: str

    def __post_init__(self) -> None:
        if not _is_iso_date(self.date):
            raise InvalidRequest("the handover date must be a real date written YYYY-MM-DD")
        if self.reason not in ("transfer", "release"):
            raise InvalidRequest("the handover reason must be transfer or release")

    def to_claim(self) -> dict[str, str]:
        """The concealed ``handover`` claim."""
        return {"to": self.to, "reason": self.reason, "date": self.date}


@dataclass(frozen=True)
class Version:
    """One verified passport version.

    ``content`` is the content as disclosed: the whole of it when every section was disclosed
    (a version as issued), otherwise ``None`` and the disclosed sections are in ``claims``.
    """

    sd_jwt: SdJwt
    pid: str
    ver: int
    prev: str | None
    issuer: str
    kid: str
    issued_at: int
    custody: Custody
    claims: dict[str, Any]
    content: PassportContent | None
    handover: Handover | None

    @property
    def digest(self) -> str:
        """The version digest: base64url(SHA-256(issuer-signed JWT))."""
        return self.sd_jwt.issuer_jwt_digest

    def serialize(self) -> str:
        """The SD-JWT as issued (or as presented)."""
        return self.sd_jwt.serialize()

    @classmethod
    def verify(cls, text: str | SdJwt, *, trust: TrustStore, now: int) -> Version:
        """Verify a version as issued (its custody copy): signature, one identity, disclosures, every disclosure
        the issuer committed to, visible claims, and the content schema."""
        verified = verify_sd_jwt(text, trust=trust, now=now)
        require_complete(verified, claim=MANIFEST_CLAIM)
        return cls.from_verified(verified, require_full=True, now=now)

    @classmethod
    def from_verified(cls, verified: VerifiedSdJwt, *, require_full: bool, now: int) -> Version:
        """Check the visible claims of a verified SD-JWT; with ``require_full`` the content must be whole."""
        require_canonical(verified.sd_jwt.issuer_jwt)
        p = verified.payload
        pid, ver, prev, iat = p.get("pid"), p.get("ver"), p.get("prev"), p.get("iat")
        if p.get("vct") != VCT or not isinstance(pid, str) or not PID_PATTERN.fullmatch(pid):
            raise MalformedToken("not a care passport version (vct or pid)")
        if not isinstance(ver, int) or isinstance(ver, bool) or ver < 1:
            raise MalformedToken("the version number is not a positive integer")
        if (ver == 1) != (prev is None) or (prev is not None and not isinstance(prev, str)):
            raise MalformedToken("prev must be absent on version 1 and present after")
        assert isinstance(iat, int)  # checked by the trust store
        if iat > now + CLOCK_SKEW_SECONDS:
            raise IssueTimeInvalid("the version is dated in the future; check this computer's clock")
        if iat < EARLIEST_IAT:
            raise IssueTimeInvalid("the version is dated before any care passport was issued")
        custody = Custody.from_claim(p.get("custody"), iss=verified.issuer)
        claims = {k: v for k, v in verified.claims.items() if k not in p}
        claims.pop(MANIFEST_CLAIM, None)
        handover = _handover(claims.pop(HANDOVER_CLAIM, None), custody, required=require_full)
        content = None
        if require_full:
            try:
                content = parse_content(claims)
            except InvalidContent as exc:
                raise InvalidContent("the signed content is not a valid passport", errors=exc.errors) from exc
        return cls(
            sd_jwt=verified.sd_jwt,
            pid=pid,
            ver=ver,
            prev=prev,
            issuer=verified.issuer,
            kid=str(verified.header["kid"]),
            issued_at=iat,
            custody=custody,
            claims=claims,
            content=content,
            handover=handover,
        )


def issue_version(
    *,
    key: SigningKey,
    issuer: str,
    pid: str,
    ver: int,
    prev: str | None,
    content: PassportContent,
    iat: int,
    handover: Handover | None = None,
    holder: PublicKey | None = None,
) -> Version:
    """Sign a version. ``cnf`` names the key that binds views of it: the signer's own, or on a handover the
    receiving organisation's (``holder``), since from then on the receiver is the custodian who serves views."""
    if (handover is None) != (holder is None):
        raise ValueError("a handover names the receiver's key, and only a handover does")
    custody = Custody(org=issuer, next=handover.to if handover else None)
    visible: dict[str, Any] = {"iss": issuer, "iat": iat, "vct": VCT, "pid": pid, "ver": ver}
    if prev is not None:
        visible["prev"] = prev
    visible["custody"] = custody.to_claim()
    claims = content_to_claims(content)
    concealed = dict(claims)
    if handover is not None:
        concealed[HANDOVER_CLAIM] = handover.to_claim()
    try:
        sd_jwt = issue_sd_jwt(
            key=key,
            visible=visible,
            concealed=concealed,
            holder=holder or key.public,
            typ=SD_JWT_TYP,
            commit_all=MANIFEST_CLAIM,
        )
    except TokenTooLarge as exc:
        raise ContentTooLarge(f"the passport is too large to sign and hand over: {exc.detail}") from exc
    return Version(sd_jwt, pid, ver, prev, issuer, key.kid, iat, custody, claims, content, handover)


def _is_iso_date(text: str) -> bool:
    """YYYY-MM-DD and a real day (``date.fromisoformat`` alone would also take 20240101 and 2024-W01-1)."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _handover(claim: object, custody: Custody, *, required: bool) -> Handover | None:
    """The handover details: disclosed in a version as issued; a view leaves them out (they are custody's business)."""
    if claim is None:
        if custody.next is not None and required:
            raise MalformedToken("a handover version must disclose its handover")
        return None
    if (
        not isinstance(claim, dict)
        or claim.get("to") != custody.next
        or claim.get("reason") not in ("transfer", "release")
        or not isinstance(claim.get("date"), str)
        or not _is_iso_date(claim["date"])
    ):
        raise MalformedToken("the handover claim does not match custody")
    return Handover(to=claim["to"], reason=claim["reason"], date=claim["date"])
