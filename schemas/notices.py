"""Release notices and their receipts: what a prison tells a local authority before a release, and what the
authority answers (DESIGN.md s.5, "Release"; Care and Support Statutory Guidance ch.17).

A notice's claims (:class:`NoticeClaims`) and a receipt's (:class:`ReceiptClaims`) travel signed between the two
deployments (``passport.core.notices``); these models are the one definition of their shape, checked as strictly
as passport content. A notice never carries care data of its own: only the date and kind of release, the
releasing prison, a contact there, and, where the person's consent lets the local authority see it, the
consent-scoped view of the passport (an SD-JWT presentation bound to the authority).
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from schemas.care import ReleaseType
from schemas.identifiers import UUID4_REGEX, LocalAuthorityId, OrgId
from schemas.primitives import ContentModel, IsoDate, ShortText

NOTICE_PERIOD_DAYS = 84
"""How long before a release its notice is sent, by default (twelve weeks: ``PASSPORT_NOTICE_DAYS``)."""

LATE_WINDOW_DAYS = 28
"""A release this near whose authority has not acknowledged it, has declined it, or has not pulled the record
is on the prison's late list."""

AuthorityStep = Literal[
    "received",
    "acknowledged",
    "record_pulled",
    "assessment_started",
    "plan_agreed",
    "equipment_arranged",
    "in_place",
]
"""Where the authority is with a person due into its area, in the order things happen (the status it keeps)."""

AUTHORITY_STEPS: tuple[AuthorityStep, ...] = get_args(AuthorityStep)

LateReason = Literal["declined", "not_acknowledged", "record_not_pulled"]
"""Why a release is on the prison's late list."""

Uuid4 = Annotated[str, StringConstraints(pattern=UUID4_REGEX)]
"""A passport's id, or a notice's (the same for every revision of one release to one authority)."""
# A compact SD-JWT presentation: base64url parts and separators only.
Presentation = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-.~]+$", max_length=200 * 1024)]


class NoticeClaims(ContentModel):
    """One revision of a release notice. ``seq`` grows with every change of date, kind or cancellation; the
    authority keeps the highest it has seen and ignores older ones."""

    id: Uuid4
    seq: StrictInt = Field(ge=1, le=1_000_000)
    pid: Uuid4
    cancelled: StrictBool = False
    expected_date: IsoDate | None = None
    release_type: ReleaseType | None = None
    releasing: OrgId
    contact: ShortText | None = None
    # Care Act 2014 s.58: the person turns 18 before release or within six months after it.
    transition_assessment: StrictBool = False
    view: Presentation | None = None

    @model_validator(mode="after")
    def _due_has_a_date(self) -> NoticeClaims:
        if not self.cancelled and self.expected_date is None:
            raise ValueError("a notice that is not cancelled names the expected date of release")
        return self


class Decline(ContentModel):
    """Not our area: why, and the authority that is, if known."""

    reason: ShortText
    suggested: LocalAuthorityId | None = None


class ReceiptClaims(ContentModel):
    """The authority's latest answer to a notice: ``seq`` grows with every change it makes; ``answers`` is the
    notice revision it had when it answered."""

    notice: Uuid4
    seq: StrictInt = Field(ge=1, le=1_000_000)
    answers: StrictInt = Field(ge=1, le=1_000_000)
    step: AuthorityStep
    acknowledged_on: IsoDate | None = None
    declined: Decline | None = None
