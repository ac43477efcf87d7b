"""One person due into the council's area: the notice checked again now, the care details the prison shared (the
verified consent-scoped view), what must be ready on the day, and the council's answers: acknowledge, decline
("not our area", with a reason and perhaps the council that is), and where it is with the person's care.

Every answer goes back to the prison as a signed receipt (``passport.services.notices``). A form with a mistake
comes back (422) with an error summary and what was typed; nothing is changed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep
from api.pages.authority.council import CouncilSession, NoticeId, known_names
from api.pages.authority.shown import care_context
from api.pages.authority.words import not_pulled, not_verified
from api.pages.common.render import redirect
from api.pages.staff.forms.fields import Checked, Field, read_values, text
from api.pages.staff.page import Posted, page, require_csrf
from api.pages.staff.reviews import today
from api.pages.staff.words import options, organisation
from passport.services import (
    Deployment,
    WebSession,
    acknowledge,
    check_notice,
    decline,
    may,
    pull_record,
    set_step,
    transaction,
)
from schemas import AUTHORITY_STEPS, MAX_SHORT_TEXT_LENGTH, Decline, directory
from schemas.errors import ConfigurationError, InvalidRequest, NotFound, NoticeInvalid, TokenError, UntrustedIssuer

router = APIRouter(include_in_schema=False)

STEP = Field("status", "Where you are with this person's care", "radios", options("authority_step"))
REASON = Field(
    "reason",
    "Why it is not your area",
    hint="For example: he will live with his sister in Sefton. The prison reads this.",
)
_SAVED = {
    "acknowledged": "You acknowledged the notice. The prison will be told.",
    "declined": "You said this is not your area. The prison will be told, with your reason.",
    "status": "The status was saved. The prison will be told.",
    "pulled": "You have the newest care details the person's consent lets councils see. The prison will be told.",
}


def _suggested_field(own: str) -> Field:
    """The council that is responsible, if known: every council in the directory but this one, by name."""
    councils = sorted(
        ((org, name) for org, name in directory().items() if org.startswith("la:") and org != own),
        key=lambda council: council[1].casefold(),
    )
    return Field(
        "suggested",
        "The council whose area it is",
        "select",
        tuple(councils),
        optional=True,
        optional_text="(if you know it)",
        hint="The prison will see this name, so that it can send the notice there.",
    )


def _notice_page(
    request: Request,
    web: WebSession,
    deployment: Deployment,
    notice: str,
    *,
    values: Mapping[str, Any] | None = None,
    checked: Checked | None = None,
    status_code: int = 200,
    pull_failed: str | None = None,
) -> HTMLResponse:
    with transaction(deployment.engine) as session:
        found = check_notice(
            session, identity=deployment.identity, principal=web.principal, notice_id=notice, now=int(time.time())
        )
    names = known_names(deployment)
    held = found.notice
    view = found.view
    shown = {"status": held.status, "reason": "", "suggested": "", **(values or {})}
    return page(
        request,
        "authority_notice.html",
        web,
        status_code=status_code,
        nav="notice",
        notice=held,
        read=found.read,
        view=view,
        not_verified=not_verified(found.refusal) if found.refusal else None,
        prison=organisation(held.sender, names),
        notice_signed=datetime.fromtimestamp(found.read.issued_at, UTC) if found.read else None,
        signed_by=organisation(view.version.issuer, names) if view else None,
        view_signed=datetime.fromtimestamp(view.version.issued_at, UTC) if view else None,
        suggested=organisation(held.declined_suggested, names) if held.declined_suggested else None,
        may_answer=may(web.principal, "amend") and not held.cancelled,
        step_field=STEP,
        reason_field=REASON,
        suggested_field=_suggested_field(deployment.identity.org_id),
        values=shown,
        errors=checked.by_field if checked else {},
        problems=checked.problems if checked else [],
        saved=_SAVED.get(request.query_params.get("saved", "")),
        pull_failed=pull_failed,
        **care_context(view, names, today()),
    )


@router.get("/authority/notices/{notice}")
def notice_page(request: Request, notice: NoticeId, web: CouncilSession, deployment: DeploymentDep) -> HTMLResponse:
    """One person due into this council's area."""
    return _notice_page(request, web, deployment, notice)


@router.post("/authority/notices/{notice}/acknowledge")
def acknowledge_notice(notice: NoticeId, posted: Posted, web: CouncilSession, deployment: DeploymentDep) -> Response:
    """This council knows the person is coming and will act."""
    require_csrf(web, posted)
    with transaction(deployment.engine) as session:
        acknowledge(session, principal=web.principal, notice_id=notice, today=today())
    return redirect(f"/authority/notices/{notice}?saved=acknowledged")


@router.post("/authority/notices/{notice}/status")
def notice_status(
    request: Request, notice: NoticeId, posted: Posted, web: CouncilSession, deployment: DeploymentDep
) -> Response:
    """Where the council is with the person's care now."""
    require_csrf(web, posted)
    values = read_values(posted, (STEP,))
    checked = Checked()
    step = values["status"]
    if step not in AUTHORITY_STEPS:
        checked.add(STEP, "choose one.")
    else:
        try:
            with transaction(deployment.engine) as session:
                set_step(session, principal=web.principal, notice_id=notice, step=step, today=today())
        except InvalidRequest as exc:  # declined (acknowledge first), or called off by the prison since
            checked.add(STEP, exc.detail + ".")
    if checked.problems:
        return _notice_page(request, web, deployment, notice, values=values, checked=checked, status_code=422)
    return redirect(f"/authority/notices/{notice}?saved=status")


@router.post("/authority/notices/{notice}/decline")
def decline_notice(
    request: Request, notice: NoticeId, posted: Posted, web: CouncilSession, deployment: DeploymentDep
) -> Response:
    """Not this council's area: why, and the council that is, if known."""
    require_csrf(web, posted)
    suggested_field = _suggested_field(deployment.identity.org_id)
    values = read_values(posted, (REASON, suggested_field))
    checked = Checked()
    reason, suggested = text(values, "reason"), text(values, "suggested")
    if reason is None:
        checked.add(REASON, "say why it is not your area.")
    elif len(reason) > MAX_SHORT_TEXT_LENGTH or not reason.isprintable():
        checked.add(REASON, f"keep it to one line of at most {MAX_SHORT_TEXT_LENGTH} characters.")
    if suggested is not None and suggested not in dict(suggested_field.options):
        checked.add(suggested_field, "choose a council from the list, or leave it as it is.")
    if checked.problems or reason is None:
        return _notice_page(request, web, deployment, notice, values=values, checked=checked, status_code=422)
    with transaction(deployment.engine) as session:
        decline(session, principal=web.principal, notice_id=notice, decline=Decline(reason=reason, suggested=suggested))
    return redirect(f"/authority/notices/{notice}?saved=declined")


@router.post("/authority/notices/{notice}/pull")
def pull_notice_record(
    request: Request, notice: NoticeId, posted: Posted, web: CouncilSession, deployment: DeploymentDep
) -> Response:
    """Get the newest care details the person's consent lets councils see, from the prison, checked."""
    require_csrf(web, posted)
    try:
        with httpx.Client() as client:
            pull_record(deployment, principal=web.principal, notice_id=notice, now=int(time.time()), client=client)
    except (NotFound, InvalidRequest, NoticeInvalid, ConfigurationError, TokenError, UntrustedIssuer) as exc:
        failed = not_pulled(exc.code)
        return _notice_page(request, web, deployment, notice, status_code=502, pull_failed=failed)
    return redirect(f"/authority/notices/{notice}?saved=pulled")
