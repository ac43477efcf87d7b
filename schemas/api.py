"""Request and response bodies of the HTTP API (DESIGN.md s.7)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from schemas.care import ReleaseType
from schemas.content import PassportContent
from schemas.identifiers import ORG_ID_REGEX
from schemas.notices import AuthorityStep, LateReason, Uuid4

OrgIdText = Annotated[str, StringConstraints(pattern=ORG_ID_REGEX)]
# A compact SD-JWT or JWS: base64url parts and separators only, never anything to interpret.
TokenText = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-.~]+$", max_length=2 * 1024 * 1024)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PassportCreateIn(PassportContent):
    """Version 1: a ``PassportContent``, and, only when a passport for the person is already held here and a
    second one is wanted on purpose, ``duplicate_reason``: why. The reason goes into the new passport's audit
    trail, never into the signed content."""

    duplicate_reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = Field(
        default=None,
        description="why a second passport is made for a person already held here (refused with 409 "
        "duplicate_person without it); recorded in the new passport's audit trail",
    )

    def as_content(self) -> PassportContent:
        """The content alone, as it is signed."""
        return PassportContent.model_validate(self.model_dump(mode="json", exclude={"duplicate_reason"}))


class CustodyOut(_Body):
    """Who issued the version, and who takes custody next if it hands the passport over."""

    org: str
    next: str | None = None


class PassportOut(_Body):
    """A passport version as this deployment holds it."""

    pid: str
    ver: int
    digest: str = Field(description="base64url(SHA-256(issuer-signed JWT)) of this version")
    prev: str | None = Field(description="the digest of the version before; null on version 1")
    issuer: str
    issued_at: datetime
    custody: CustodyOut
    content: dict[str, Any] = Field(description="the passport content (a PassportContent)")
    sd_jwt: str = Field(description="the version as issued: an SD-JWT (RFC 9901) with every disclosure")


class VersionSummary(_Body):
    """One entry of a passport's history."""

    ver: int
    digest: str
    prev: str | None
    issuer: str
    issued_at: datetime
    custody: CustodyOut


class HistoryOut(_Body):
    """A passport's history, oldest first, with every version as issued."""

    pid: str
    versions: list[VersionSummary]
    sd_jwts: list[str] = Field(description="each version's SD-JWT, oldest first: what POST /v1/verify takes")


class HandoverIn(_Body):
    """Hand a passport over to another organisation on a transfer or a release."""

    to: OrgIdText
    reason: Literal["transfer", "release"]
    date: date

    @model_validator(mode="before")
    @classmethod
    def _strict_date(cls, data: Any) -> Any:
        # Only YYYY-MM-DD, like every date in the passport (no timestamps, no other forms).
        if isinstance(data, dict) and isinstance(data.get("date"), str):
            text = data["date"]
            if len(text) != 10 or text[4] != "-" or text[7] != "-":
                raise ValueError("date must be YYYY-MM-DD")
        return data


# What a keyboard-wedge scanner types from a card (``cp:/`` and digits), or the bare compact JWS.
CardText = Annotated[str, StringConstraints(max_length=4096)]


class VerifyIn(_Body):
    """Something to verify: exactly one of a ``card``, a version or view (``sd_jwt``), or a whole ``history``."""

    card: CardText | None = None
    sd_jwt: TokenText | None = None
    history: list[TokenText] | None = Field(default=None, max_length=10_000)

    @model_validator(mode="after")
    def _exactly_one(self) -> VerifyIn:
        if sum(v is not None for v in (self.card, self.sd_jwt, self.history)) != 1:
            raise ValueError("give exactly one of card, sd_jwt or history")
        return self


class ImportIn(_Body):
    """Import from a ``card`` (the rest is pulled from its issuer), a supplied ``history``, or both (offline); or,
    on release, from a ``notice`` received here (the record is pulled from the prison that sent it)."""

    card: CardText | None = None
    history: list[TokenText] | None = Field(default=None, max_length=10_000)
    notice: Uuid4 | None = Field(default=None, description="the id of a release notice received here")

    @model_validator(mode="after")
    def _one_source(self) -> ImportIn:
        if self.notice is not None and (self.card is not None or self.history is not None):
            raise ValueError("give a notice alone, or a card, a history, or both")
        if self.notice is None and self.card is None and self.history is None:
            raise ValueError("give a card, a history, or both; or a notice")
        return self


class AlertOut(_Body):
    """One thing a reception officer must know at once."""

    code: str
    text: str


class CardOut(_Body):
    """A verified card: who issued it when, whose it is, its alerts, and the version it summarises."""

    kind: Literal["card"] = "card"
    issuer: str
    pid: str
    ver: int
    digest: str = Field(description="the version digest (vd) the card summarises")
    issued_at: datetime
    expires_at: datetime
    name: str
    noms: str | None
    date_of_birth: str
    alerts: list[AlertOut]


class ImportOut(_Body):
    """What an import did."""

    pid: str
    ver: int
    digest: str
    issuers: list[str]
    new_versions: int = Field(description="0 when everything was already held here: importing again changes nothing")
    issued_at: datetime = Field(description="when the newest version imported was signed")
    card_ver: int | None = Field(default=None, description="the version the card showed, when a card was used")
    moved_on: bool = Field(
        default=False, description="the record changed after the card was printed: a new card shows what is current"
    )


class DisclosedOut(_Body):
    """Which sections and which items (by id) a verified token disclosed."""

    sections: list[str]
    items: list[str]


class VerifiedOut(_Body):
    """What was verified, and by whom it was signed."""

    kind: Literal["version", "view", "history"]
    pid: str
    ver: int
    digest: str
    issuer: str
    issued_at: datetime
    issuers: list[str] = Field(description="every organisation that signed a version, first signer first")
    versions: int
    audience: str | None = Field(default=None, description="for a view: the organisation it was made for")
    disclosed: DisclosedOut
    content: dict[str, Any] = Field(description="the disclosed claims of the newest version")


class IssuerMetadata(_Body):
    """``/.well-known/care-passport-issuer``: who this deployment is and where its endpoints are."""

    id: str
    name: str
    kind: str
    base_url: str
    jwks_uri: str
    passports_endpoint: str
    verify_endpoint: str
    revoked_keys: dict[str, int] = Field(description="kid -> Unix time from which the key no longer verifies")


class Health(_Body):
    """Liveness or readiness."""

    status: Literal["ok", "unavailable"]


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable ``code``."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, str]] | None = None


class ViewOut(_Body):
    """A consent-scoped view: an SD-JWT presentation bound to one recipient by its Key Binding JWT."""

    pid: str
    ver: int
    audience: str
    recipient: str = Field(description="the organisation the view is for: the Key Binding JWT's aud")
    sd_jwt: str = Field(description="issuer-signed JWT ~ the permitted disclosures ~ Key Binding JWT (RFC 9901)")
    disclosed: DisclosedOut
    overridden: list[str] = Field(description="items or sections disclosed beyond consent by an override")


LawfulBasisText = Literal["vital_interests", "safeguarding", "legal_obligation", "health_or_social_care"]


class OverrideIn(_Body):
    """Disclose items or sections beyond consent, to one recipient, naming the lawful basis and the reason."""

    recipient: OrgIdText
    audience: Literal["prison", "local_authority", "health", "probation", "reception_card"]
    targets: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(min_length=1, max_length=50)
    lawful_basis: LawfulBasisText
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class OverrideOut(OverrideIn):
    """An override as recorded."""


class AuditEntryOut(_Body):
    """One audit row: who (principal, organisation, role), what, which version, when, from where, and the outcome."""

    seq: int
    at: datetime
    principal_id: str | None
    org: str | None
    role: str | None
    action: str
    outcome: str
    ver: int | None
    source: str | None
    detail: dict[str, Any] | None


class AuditOut(_Body):
    """A passport's audit trail, oldest first."""

    pid: str
    entries: list[AuditEntryOut]


# Release notices (DESIGN.md s.5, "Release") ----------------------------------------------------------------------


class NoticeIn(_Body):
    """A release notice, as the releasing prison's deployment signed it (``typ: cp-notice+jwt``)."""

    notice: TokenText


class NoticeTaken(_Body):
    """What the receiver did with a notice: whether it changed what is held (an older or repeated revision does not)."""

    changed: bool


class ReceiptIn(_Body):
    """An authority's answer to a notice, as its deployment signed it (``typ: cp-receipt+jwt``)."""

    receipt: TokenText


class StatusIn(_Body):
    """Where the authority is with the person now."""

    status: AuthorityStep


class NoticeOut(_Body):
    """A person due into this authority's area: the notice and what the authority keeps of them."""

    id: str
    sender: str = Field(description="the releasing prison")
    pid: str
    seq: int = Field(description="the newest revision of the notice held")
    cancelled: bool
    expected_date: date | None
    release_type: ReleaseType | None
    contact: str | None
    transition_assessment: bool = Field(description="Care Act 2014 s.58: turns 18 around the release")
    has_view: bool = Field(description="the notice carried the consent-scoped local-authority view")
    pulled_at: datetime | None = Field(description="when the newest view was got from the prison, if it was")
    first_received_at: datetime
    received_at: datetime = Field(description="when the newest revision arrived")
    days_notice: int | None = Field(description="days from the first notice to the expected date")
    status: AuthorityStep
    acknowledged_on: date | None
    declined_reason: str | None
    declined_suggested: str | None
    answer_delivered: bool = Field(description="the prison has this authority's newest answer")


class NoticesOut(_Body):
    """The people due into this authority's area, soonest first."""

    notices: list[NoticeOut]


class JourneyOut(_Body):
    """One release as the prison sees it: the notice to one authority and how far the authority has got."""

    notice: str
    pid: str
    destination: str
    expected_date: date | None
    release_type: ReleaseType | None
    cancelled: bool
    released: bool
    notified_at: datetime | None
    days_of_notice: int | None
    up_to_date: bool = Field(description="the authority has the newest revision")
    failure: str | None = Field(description="why the last delivery failed, until one succeeds")
    acknowledged_on: date | None
    declined_reason: str | None
    declined_suggested: str | None
    status: AuthorityStep | None
    pulled_at: datetime | None
    transition_assessment: bool
    late: list[LateReason]


class ReleaseOut(_Body):
    """A passport's releases, newest expected date first."""

    pid: str
    releases: list[JourneyOut]


class LateOut(_Body):
    """Releases within 28 days whose authority has not acknowledged, has declined, or has not pulled the record."""

    releases: list[JourneyOut]
