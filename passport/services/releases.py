"""Release into the community, the prison's side: the notices it owes local authorities, kept current with the
passport, and what the authorities answered (DESIGN.md s.5, "Release"; Care and Support Statutory Guidance ch.17).

Whenever a version is stored (issued here or imported), :func:`keep_release` brings the passport's notices up to
it. While this organisation is the custodian and the release plan names a date and a destination authority, there
is one open notice to that authority; every change of date, kind of release, contact or transition flag is a new
revision of it (``seq`` + 1). A change of destination cancels the notice to the old authority (a revision saying
so) and opens one to the new; a plan without date or destination, or a handover to another prison, cancels it; a
handover to the destination authority itself on the day closes it as released.

:mod:`passport.services.notice_delivery` sends what is due; :func:`take_receipt` keeps the authority's answers.
What the prison sees of each release (:func:`release_journeys`) and the late list (:func:`late_list`) are read
from the notices, the receipts and the audit trail (the authority pulling a view is audited like any view).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from passport.core.identity import Identity
from passport.core.notices import read_receipt, transition_assessment_due
from passport.core.versions import Version
from passport.services import audit
from passport.services.access import require, require_on
from passport.services.peers import trust_store
from passport.services.principals import Principal
from passport.services.storage import PassportRow, ReleaseNoticeRow, as_utc, utcnow
from schemas import LATE_WINDOW_DAYS, AuthorityStep, LateReason, ReleasePlan, ReleaseType
from schemas.errors import NotFound, NoticeInvalid


@dataclass(frozen=True)
class _Wanted:
    """What the open notice to ``destination`` must say, from the newest version."""

    destination: str
    expected_date: date
    release_type: str | None
    contact: str | None
    transition_assessment: bool


def keep_release(session: Session, version: Version, *, here: str) -> None:
    """Bring the passport's notices up to ``version``, the newest stored (see the module's docstring)."""
    wanted = _wanted(version, here=here)
    released_to = version.handover.to if version.handover and version.handover.reason == "release" else None
    rows = list(session.exec(select(ReleaseNoticeRow).where(ReleaseNoticeRow.pid == version.pid)))
    stamp = utcnow()
    for row in rows:
        if row.cancelled or row.released:
            continue
        if released_to == row.destination:
            row.released, row.updated_at = True, stamp
        elif wanted is None or wanted.destination != row.destination:
            row.cancelled, row.seq, row.updated_at = True, row.seq + 1, stamp
        session.add(row)
    if wanted is None:
        return
    found = next((r for r in rows if r.destination == wanted.destination), None)
    if found is not None and found.released:
        return
    row = found or ReleaseNoticeRow(
        id=str(uuid.uuid4()), pid=version.pid, destination=wanted.destination, seq=0, updated_at=stamp
    )
    said = (row.expected_date, row.release_type, row.contact, row.transition_assessment, row.cancelled)
    if said != (wanted.expected_date, wanted.release_type, wanted.contact, wanted.transition_assessment, False):
        row.expected_date, row.release_type, row.contact = wanted.expected_date, wanted.release_type, wanted.contact
        row.transition_assessment, row.cancelled = wanted.transition_assessment, False
        row.seq, row.updated_at = row.seq + 1, stamp
        row.attempts, row.failure, row.retry_at = 0, None, None  # a new revision is tried at once
        session.add(row)


def _wanted(version: Version, *, here: str) -> _Wanted | None:
    content = version.content
    if content is None or version.custody.custodian_after != here:
        return None
    plan: ReleasePlan | None = content.release_plan
    if plan is None or plan.expected_date is None or plan.destination_authority in (None, here):
        return None
    return _Wanted(
        destination=plan.destination_authority,
        expected_date=plan.expected_date,
        release_type=plan.release_type,
        contact=plan.contact,
        transition_assessment=transition_assessment_due(content.subject.date_of_birth, plan.expected_date),
    )


def take_receipt(session: Session, *, identity: Identity, principal: Principal, text: str, notice_id: str) -> None:
    """Keep an authority's answer to one of this organisation's notices: the newest answer wins, and an older or
    repeated one changes nothing. Only the authority the notice went to may answer it."""
    require(principal, "notify")
    receipt = read_receipt(text, trust=trust_store(session, identity), recipient=identity.org_id)
    claims = receipt.claims
    row = session.get(ReleaseNoticeRow, claims.notice)
    if row is None or claims.notice != notice_id or row.destination != principal.org or receipt.sender != principal.org:
        raise NotFound("no notice with that id was sent to this organisation")
    if claims.answers > row.seq or row.sent_seq == 0:
        raise NoticeInvalid("the receipt answers a notice that was never sent")
    if claims.seq <= row.receipt_seq:
        return
    row.receipt_seq, row.step, row.receipt_at = claims.seq, claims.step, utcnow()
    row.acknowledged_on = claims.acknowledged_on
    row.declined_reason = claims.declined.reason if claims.declined else None
    row.declined_suggested = claims.declined.suggested if claims.declined else None
    session.add(row)
    detail = json.dumps({"notice": row.id, "step": claims.step, "declined": claims.declined is not None})
    audit.record(session, actor=audit.actor_of(principal, None), action="notice_receipt", pid=row.pid, detail=detail)


@dataclass(frozen=True)
class Journey:
    """One release as the prison sees it: the notice to one authority and how far the authority has got."""

    notice: str
    pid: str
    destination: str
    expected_date: date | None
    release_type: ReleaseType | None
    cancelled: bool
    released: bool
    notified_at: datetime | None  # the first notice delivered
    up_to_date: bool  # the authority has the newest revision (or a cancellation)
    failure: str | None  # why the last delivery failed, until one succeeds
    acknowledged_on: date | None
    declined_reason: str | None
    declined_suggested: str | None
    status: AuthorityStep | None
    pulled_at: datetime | None  # the authority first pulled a view after notice
    transition_assessment: bool

    @property
    def days_of_notice(self) -> int | None:
        """Days from the first notice to the expected date of release."""
        if self.notified_at is None or self.expected_date is None:
            return None
        return (self.expected_date - self.notified_at.date()).days

    def late(self, today: date) -> list[LateReason]:
        """Why this release is on the late list (empty when it is not): within ``LATE_WINDOW_DAYS`` of the day, and
        the authority has not acknowledged it, has declined it, or has not pulled the record."""
        if self.cancelled or self.released or self.expected_date is None:
            return []
        if not today <= self.expected_date <= today + timedelta(days=LATE_WINDOW_DAYS):
            return []
        reasons: list[LateReason] = []
        if self.declined_reason is not None:
            reasons.append("declined")
        elif self.acknowledged_on is None:
            reasons.append("not_acknowledged")
        if self.pulled_at is None:
            reasons.append("record_not_pulled")
        return reasons


def release_journeys(session: Session, *, principal: Principal, pid: str) -> list[Journey]:
    """Every notice of one passport held here, newest expected date first (reading it is audited)."""
    require_on(principal, "read", session.get(PassportRow, pid))
    rows = session.exec(select(ReleaseNoticeRow).where(ReleaseNoticeRow.pid == pid))
    journeys = [_journey(session, row) for row in rows]
    audit.record(session, actor=audit.actor_of(principal, None), action="read_release", pid=pid)
    return sorted(journeys, key=lambda j: j.expected_date or date.min, reverse=True)


def late_list(session: Session, *, principal: Principal, today: date) -> list[Journey]:
    """Releases within ``LATE_WINDOW_DAYS`` whose authority has not acknowledged, has declined, or has not pulled
    the record, soonest first: for this organisation's staff."""
    require(principal, "read")
    window = today + timedelta(days=LATE_WINDOW_DAYS)
    rows = session.exec(
        held_notices(principal.org)
        .where(
            col(ReleaseNoticeRow.released).is_(False),
            col(ReleaseNoticeRow.expected_date) >= today,
            col(ReleaseNoticeRow.expected_date) <= window,
        )
        .order_by(col(ReleaseNoticeRow.expected_date))
    )
    return [j for j in (_journey(session, row) for row in rows) if j.late(today)]


def held_notices(org: str) -> SelectOfScalar[ReleaseNoticeRow]:
    """The notices, not called off, of the passports ``org`` holds here (for its lists and its statistics)."""
    return (
        select(ReleaseNoticeRow)
        .join(PassportRow, col(PassportRow.pid) == col(ReleaseNoticeRow.pid))
        .where(PassportRow.holder_org == org, col(ReleaseNoticeRow.cancelled).is_(False))
    )


def _journey(session: Session, row: ReleaseNoticeRow) -> Journey:
    return Journey(
        notice=row.id,
        pid=row.pid,
        destination=row.destination,
        expected_date=row.expected_date,
        release_type=cast("ReleaseType | None", row.release_type),  # stored from a ReleaseType only
        cancelled=row.cancelled,
        released=row.released,
        notified_at=as_utc(row.first_sent_at) if row.first_sent_at else None,
        up_to_date=row.sent_seq == row.seq,
        failure=row.failure,
        acknowledged_on=row.acknowledged_on,
        declined_reason=row.declined_reason,
        declined_suggested=row.declined_suggested,
        status=cast("AuthorityStep | None", row.step),  # stored from a receipt's AuthorityStep only
        pulled_at=_first_pull(session, row),
        transition_assessment=row.transition_assessment,
    )


def _first_pull(session: Session, row: ReleaseNoticeRow) -> datetime | None:
    """When the authority first pulled a view of the passport after it was notified (from the audit trail)."""
    if row.first_sent_at is None:
        return None
    since = as_utc(row.first_sent_at)
    pulls = (
        e.at
        for e in audit.entries_for(session, row.pid)
        if e.action == "view" and e.org == row.destination and e.outcome == "ok" and e.at >= since
    )
    return next(pulls, None)
