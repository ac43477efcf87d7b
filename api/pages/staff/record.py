"""One passport, read whole: every section, its version and custody, the person's requests for corrections, what
the council has done about its release (at a prison), and the ways on (edit, consent, handover, print, a sign-in
code for the person)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import custodian, may_edit
from api.pages.staff.display import record_context
from api.pages.staff.page import Pid, Posted, page, person_name, read_passport, require_csrf
from api.pages.staff.releases import passport_releases
from api.pages.staff.words import organisation
from passport.core import card_alerts
from passport.services import (
    CODE_LIFETIME,
    Correction,
    code_groups,
    issue_sign_in_code,
    open_corrections,
    resolve_correction,
    transaction,
)

router = APIRouter(include_in_schema=False)
# A correction's id as a page names it: bounded, so that a huge number is a page's 4xx and never an integer that
# overflows the database's (a 500).
CorrectionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/staff/passports/{pid}")
def passport_page(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The whole record."""
    stored, content, names = read_passport(deployment, web, pid, source)
    corrections: list[Correction] = []
    if may_edit(web.principal):
        with transaction(deployment.engine) as session:
            corrections = open_corrections(session, principal=web.principal, pid=pid)
    held_here = custodian(stored) == deployment.identity.org_id
    is_prison = deployment.identity.info.kind == "prison"
    return page(
        request,
        "staff_passport.html",
        web,
        nav="passport",
        pid=pid,
        alerts=card_alerts(content),
        corrections=corrections,
        **record_context(stored, content, names),
        next_custodian=organisation(stored.custody_next, names) if stored.custody_next else None,
        editable=may_edit(web.principal) and held_here,
        saved=request.query_params.get("saved"),
        card_reprint=request.query_params.get("card") == "reprint",
        merged=request.query_params.get("merged") == "yes",
        releases=passport_releases(deployment, web, pid) if is_prison else None,
    )


@router.post("/staff/passports/{pid}/corrections/{correction_id}/resolve")
def resolve(
    pid: Pid,
    correction_id: CorrectionId,
    posted: Posted,
    web: StaffSession,
    deployment: DeploymentDep,
    source: SourceDep,
) -> Response:
    """Mark the person's request as dealt with: only a request about the passport in the URL (whose page this
    goes back to); one about another passport is not found there."""
    require_csrf(web, posted)
    with transaction(deployment.engine) as session:
        resolve_correction(session, principal=web.principal, correction_id=correction_id, pid=pid, source=source)
    return redirect(f"/staff/passports/{pid}?saved=correction")


@router.post("/staff/passports/{pid}/sign-in-code")
def sign_in_code(
    request: Request, pid: Pid, posted: Posted, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """A one-time code for the person to sign in to their own pages, to print and give them."""
    require_csrf(web, posted)
    with transaction(deployment.engine) as session:
        code = issue_sign_in_code(session, principal=web.principal, pid=pid, source=source)
    stored, content, _ = read_passport(deployment, web, pid, source)
    hours = int(CODE_LIFETIME.total_seconds() // 3600)
    # The sheet is the person's: it calls them what they ask to be called, and prints in large print when
    # their passport says they need it.
    communication = content.communication
    return page(
        request,
        "staff_sign_in_code.html",
        web,
        nav="passport",
        pid=pid,
        name=person_name(stored.content),
        called=content.subject.display_name(),
        noms=content.subject.display_identifiers().get("noms"),
        large_print=communication is not None and communication.large_print,
        groups=code_groups(code),
        hours=hours,
        site=f"{request.url.scheme}://{request.url.netloc}/me/sign-in",
    )
