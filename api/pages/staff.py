"""The care staff pages at /staff: the organisation's passports, and a new passport.

The other staff pages live beside this module, and their routers are included here in an order that matters:
the fixed paths (``consent``, ``handover``, ``print``...) come before the sections' catch-all
``/staff/passports/{pid}/{section}``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from api.deps import DeploymentDep, SourceDep
from api.pages import staff_custody, staff_edit, staff_print, staff_record
from api.pages.staff_display import organisation
from api.pages.staff_editing import Editor, may_edit
from api.pages.staff_fields import Checked, Values, check_content_error, check_required, read_values
from api.pages.staff_forms_consent import build_new_passport, new_passport_parts, new_passport_renames
from api.pages.staff_page import Posted, organisation_names, page, require_csrf
from api.pages.staff_words import say
from api.pages.web import StaffSession, redirect
from passport import audit, records
from passport.access import require
from passport.people import open_corrections
from passport.records import StoredVersion, actor_of
from passport.storage import PassportRow, VersionRow, transaction
from schemas import PassportContent, parse_content
from schemas.errors import InvalidContent

router = APIRouter(include_in_schema=False)
MAX_QUERY = 100


@dataclass(frozen=True)
class Listed:
    """One passport in the list: its id, whose it is, its version, who has it, and requests waiting."""

    pid: str
    name: str
    noms: str
    ver: int
    custodian: str
    requests: int


def _listed(stored: StoredVersion, names: dict[str, str], requests: int) -> Listed:
    subject = stored.content.get("subject", {})
    given = " ".join(subject.get("given_names", []))
    name = f"{subject.get('family_name', '')}, {given}" if given else str(subject.get("family_name", ""))
    noms = next((i["value"] for i in subject.get("identifiers", []) if i.get("system") == "noms"), "")
    custodian = organisation(stored.custody_next or stored.issuer, names)
    return Listed(stored.pid, name, noms, stored.ver, custodian, requests)


def _matches(stored: StoredVersion, words: list[str]) -> bool:
    """Every word of the search is in the person's names or one of their prison numbers."""
    subject = stored.content.get("subject", {})
    names = [subject.get("family_name", ""), subject.get("preferred_name") or "", *subject.get("given_names", [])]
    numbers = [i.get("value", "") for i in subject.get("identifiers", []) if i.get("system") == "noms"]
    haystack = " ".join([*names, *numbers]).casefold()
    return all(word in haystack for word in words)


@router.get("/staff")
def passports(request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """This organisation's passports; the listing is audited once."""
    return _listing(request, web, deployment, source, "")


@router.post("/staff")
async def search(request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """The passports found by name or prison number. A POST, so that a name never lands in a URL, a browser's
    history or a server log."""
    form = await request.form()
    require_csrf(web, form)
    q = form.get("q")
    query = q[:MAX_QUERY] if isinstance(q, str) else ""
    return await run_in_threadpool(_listing, request, web, deployment, source, query)


def _listing(request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep, q: str) -> HTMLResponse:
    require(web.principal, "read")
    words = q.casefold().split()
    with transaction(deployment.engine) as session:
        rows = session.exec(
            select(VersionRow)
            .join(PassportRow, (col(PassportRow.pid) == col(VersionRow.pid)))
            .where(PassportRow.holder_org == web.principal.org, col(VersionRow.ver) == col(PassportRow.current_ver))
        )
        found = [stored for stored in map(StoredVersion.from_row, rows) if _matches(stored, words)]
        waiting = (
            Counter(c.pid for c in open_corrections(session, principal=web.principal))
            if may_edit(web.principal)
            else Counter()
        )
        names = organisation_names(session, deployment.identity)
        # What was searched for is a name: the audit says only that a search was made and how many were shown.
        detail = json.dumps({"searched": bool(words), "shown": len(found)})
        audit.record(session, actor=actor_of(web.principal, source), action="search", detail=detail)
    listed = sorted((_listed(s, names, waiting[s.pid]) for s in found), key=lambda e: (e.name.casefold(), e.pid))
    return page(
        request, "staff_list.html", web, nav="passports", listed=listed, q=q, show_requests=may_edit(web.principal)
    )


def _new_page(
    request: Request, web: StaffSession, values: Values, checked: Checked | None = None, status_code: int = 200
) -> HTMLResponse:
    return page(
        request,
        "staff_form.html",
        web,
        status_code=status_code,
        nav="new",
        title="New passport",
        intro=[
            "Start a passport for a person in your care. You can add their needs, equipment, services and the rest "
            "once it is made.",
            "Ask the person who may see each part of their passport before you save it.",
        ],
        parts=new_passport_parts(),
        values=values,
        errors=checked.by_field if checked else {},
        problems=checked.problems if checked else [],
        action="/staff/passports/new",
        back="/staff",
        submit="Create the passport",
    )


@router.get("/staff/passports/new")
def new_passport_form(request: Request, web: StaffSession) -> HTMLResponse:
    """The form for a new passport: who the person is, and their consent."""
    require(web.principal, "create")
    return _new_page(request, web, {"language": "en"})


@router.post("/staff/passports/new")
def create_passport(
    request: Request, posted: Posted, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> Response:
    """Make version 1; on a mistake, the form again with each problem named and everything typed kept."""
    require_csrf(web, posted)
    require(web.principal, "create")
    editor = Editor(web.principal, int(time.time()))
    parts = new_passport_parts()
    values = read_values(posted, parts)
    checked = check_required(values, parts)
    content: PassportContent | None = None
    try:
        content = parse_content(build_new_passport(values, editor))
    except InvalidContent as exc:
        renames = new_passport_renames(values)
        check_content_error(
            exc, parts, prefix="", renames=renames, section_title=lambda s: say("section", s), checked=checked
        )
    if checked.problems or content is None:
        return _new_page(request, web, values, checked, status_code=422)
    with transaction(deployment.engine) as session:
        stored = records.create_passport(
            session,
            identity=deployment.identity,
            principal=web.principal,
            content=content,
            now=editor.now,
            source=source,
        )
    return redirect(f"/staff/passports/{stored.pid}?saved=created")


# Fixed paths before the sections' catch-all (see the module docstring).
for module in (staff_record, staff_print, staff_custody, staff_edit):
    router.include_router(module.router)
