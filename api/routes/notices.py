"""Release into the community: notices from a prison to a local authority, the authority's answers, and what the
prison sees of each release (DESIGN.md s.5, "Release"; README, "Release into the community").

Between deployments (a client assertion signed by the caller's key): ``POST /v1/notices`` on the authority,
``POST /v1/notices/{id}/receipts`` on the prison. For the authority's staff: the notices and their answers. For the
prison's staff: a passport's releases, and the late list.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from api.routes.passports import Pid
from passport.services import (
    Journey,
    ReceivedNotice,
    acknowledge,
    decline,
    late_list,
    list_notices,
    receive_notice,
    release_journeys,
    set_step,
    take_receipt,
    transaction,
)
from schemas import UUID4_REGEX, Decline
from schemas.api import (
    JourneyOut,
    LateOut,
    NoticeIn,
    NoticeOut,
    NoticesOut,
    NoticeTaken,
    ReceiptIn,
    ReleaseOut,
    StatusIn,
)

router = APIRouter(tags=["releases"])
NoticeId = Annotated[str, Path(pattern=UUID4_REGEX, description="the notice's id")]


def _today() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/v1/notices",
    operation_id="receive_notice",
    summary="Receive a release notice (from a prison's deployment)",
    responses={200: {"description": "taken; changed is false for an older or repeated revision"}},
)
def post_notice(
    body: NoticeIn, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> NoticeTaken:
    """The notice must verify against this deployment's trust store, be for this organisation, and come from the
    prison that calls with its client assertion."""
    with refusals_audited(deployment, principal, source, "notice", None), transaction(deployment.engine) as s:
        changed = receive_notice(
            s, identity=deployment.identity, principal=principal, text=body.notice, now=int(time.time())
        )
    return NoticeTaken(changed=changed)


@router.get("/v1/notices", operation_id="list_notices", summary="The people due into this authority's area")
def get_notices(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    past: Annotated[bool, Query(description="include releases whose date has gone by")] = False,
) -> NoticesOut:
    """Soonest first; cancelled notices last."""
    with refusals_audited(deployment, principal, source, "read_notices"), transaction(deployment.engine) as s:
        found = list_notices(s, principal=principal, include_past=past, today=_today().date())
    return NoticesOut(notices=[notice_out(n) for n in found])


@router.post("/v1/notices/{notice_id}/acknowledge", operation_id="acknowledge_notice", summary="Acknowledge a notice")
def post_acknowledge(
    notice_id: NoticeId, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> NoticeOut:
    """This authority knows the person is coming and will act; a signed receipt goes back to the prison."""
    with refusals_audited(deployment, principal, source, "notice_answer", None), transaction(deployment.engine) as s:
        return notice_out(acknowledge(s, principal=principal, notice_id=notice_id, today=_today().date()))


@router.post("/v1/notices/{notice_id}/decline", operation_id="decline_notice", summary="Decline a notice")
def post_decline(
    notice_id: NoticeId, body: Decline, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> NoticeOut:
    """Not this authority's area, with the reason and, if known, the authority that is; a receipt goes back."""
    with refusals_audited(deployment, principal, source, "notice_answer", None), transaction(deployment.engine) as s:
        return notice_out(decline(s, principal=principal, notice_id=notice_id, decline=body))


@router.put(
    "/v1/notices/{notice_id}/status", operation_id="set_notice_status", summary="Record the authority's progress"
)
def put_status(
    notice_id: NoticeId, body: StatusIn, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> NoticeOut:
    """Where the authority is with the person now; a receipt goes back to the prison."""
    with refusals_audited(deployment, principal, source, "notice_answer", None), transaction(deployment.engine) as s:
        return notice_out(
            set_step(s, principal=principal, notice_id=notice_id, step=body.status, today=_today().date())
        )


@router.post(
    "/v1/notices/{notice_id}/receipts",
    operation_id="receive_receipt",
    summary="Receive an authority's answer to a notice (from its deployment)",
    status_code=204,
)
def post_receipt(
    notice_id: NoticeId, body: ReceiptIn, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> None:
    """The receipt must verify, be for this organisation, and come from the authority the notice went to."""
    with refusals_audited(deployment, principal, source, "notice_receipt", None), transaction(deployment.engine) as s:
        take_receipt(s, identity=deployment.identity, principal=principal, text=body.receipt, notice_id=notice_id)


@router.get("/v1/passports/{pid}/release", operation_id="get_release", summary="A passport's releases, as notified")
def get_release(pid: Pid, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep) -> ReleaseOut:
    """Per release: when the authority was notified, acknowledged, pulled the record, its status, any decline."""
    with refusals_audited(deployment, principal, source, "read_release", pid), transaction(deployment.engine) as s:
        journeys = release_journeys(s, principal=principal, pid=pid)
    today = _today().date()
    return ReleaseOut(pid=pid, releases=[journey_out(j, today) for j in journeys])


@router.get("/v1/releases/late", operation_id="late_releases", summary="Releases whose authority is not ready")
def get_late(deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep) -> LateOut:
    """Within 28 days, and the authority has not acknowledged, has declined, or has not pulled the record."""
    today = _today().date()
    with refusals_audited(deployment, principal, source, "read_late"), transaction(deployment.engine) as s:
        late = late_list(s, principal=principal, today=today)
    return LateOut(releases=[journey_out(j, today) for j in late])


def notice_out(notice: ReceivedNotice) -> NoticeOut:
    """A received notice as the API returns it."""
    return NoticeOut(**asdict(notice))


def journey_out(journey: Journey, today: date) -> JourneyOut:
    """One release as the API returns it, with its days of notice and why it is late, if it is."""
    return JourneyOut(**asdict(journey), days_of_notice=journey.days_of_notice, late=journey.late(today))
