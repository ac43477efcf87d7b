"""One passport, read whole: every section, its version and custody, the person's requests for corrections, and
the ways on (edit, consent, handover, print, a sign-in code for the person)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import custodian, may_edit
from api.pages.staff.display import Row, Shown, organisation, show_section
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.fields import SectionForm
from api.pages.staff.page import Pid, Posted, organisation_names, page, person_name, require_csrf
from api.pages.staff.words import say
from passport.core import card_alerts
from passport.services import (
    CODE_LIFETIME,
    Correction,
    StoredVersion,
    code_groups,
    get_current,
    issue_sign_in_code,
    open_corrections,
    resolve_correction,
    transaction,
)
from schemas import AUDIENCES, PassportContent, parse_content

router = APIRouter(include_in_schema=False)
# A correction's id as a page names it: bounded, so that a huge number is a page's 4xx and never an integer that
# overflows the database's (a 500).
CorrectionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@dataclass(frozen=True)
class Section:
    """A section of the record as the passport page shows it."""

    form: SectionForm
    shown: list[Shown]


def record_sections(content: dict[str, object], names: dict[str, str]) -> list[Section]:
    """Every section after ``subject``, in passport order (consent is shown apart)."""
    return [Section(form, show_section(form, content, names)) for form in FORMS.values() if form.section != "subject"]


def consent_rows(content: PassportContent) -> list[Row]:
    """Per audience, what it may see now and the items kept from it."""
    consent = content.consent
    rows = []
    for audience in AUDIENCES:
        permitted = [say("section", s) for s in consent.permitted_sections(audience)]
        withheld = sorted(consent.withheld_items(audience))
        text = ", ".join(permitted) if permitted else "Nothing"
        if withheld and permitted:
            text += f". Kept from them: {', '.join(withheld)}"
        rows.append(Row(say("audience", audience), text))
    return rows


def read_passport(
    deployment: DeploymentDep, web: StaffSession, pid: str, source: str | None, action: str = "read"
) -> tuple[StoredVersion, PassportContent, dict[str, str]]:
    """The current version (the read audited as ``action``), its content, and the names of organisations."""
    with transaction(deployment.engine) as session:
        stored = get_current(session, principal=web.principal, pid=pid, source=source, action=action)
        names = organisation_names(session, deployment.identity)
    return stored, parse_content(stored.content), names


def record_context(stored: StoredVersion, content: PassportContent, names: dict[str, str]) -> dict[str, Any]:
    """What every page that shows the whole record (the passport page, its A4 print) draws it from."""
    return {
        "stored": stored,
        "name": person_name(stored.content),
        "subject": show_section(FORMS["subject"], stored.content, names)[0],
        "sections": record_sections(stored.content, names),
        "consent": content.consent,
        "consent_rows": consent_rows(content),
        "issuer": organisation(stored.issuer, names),
    }


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
    stored, _, _ = read_passport(deployment, web, pid, source)
    hours = int(CODE_LIFETIME.total_seconds() // 3600)
    return page(
        request,
        "staff_sign_in_code.html",
        web,
        nav="passport",
        pid=pid,
        name=person_name(stored.content),
        groups=code_groups(code),
        hours=hours,
        site=f"{request.url.scheme}://{request.url.netloc}/me/sign-in",
    )
