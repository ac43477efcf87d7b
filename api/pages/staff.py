"""The care staff pages at /staff: the organisation's passports, and a new passport.

The other staff pages live beside this module, and their routers are included here in an order that matters:
the fixed paths (``consent``, ``handover``, ``print``...) come before the sections' catch-all
``/staff/passports/{pid}/{section}``.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import DeploymentDep, SourceDep
from api.pages import staff_custody, staff_edit, staff_print, staff_record
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff_display import organisation
from api.pages.staff_editing import Editor, may_edit
from api.pages.staff_fields import Checked, Values, check_content_error, check_required, read_values
from api.pages.staff_forms_consent import build_new_passport, new_passport_parts, new_passport_renames
from api.pages.staff_page import Posted, organisation_names, page, require_csrf
from api.pages.staff_words import say
from passport.services import create_passport, list_passports, require, transaction
from schemas import PassportContent, parse_content
from schemas.errors import InvalidContent

router = APIRouter(include_in_schema=False)
MAX_QUERY = 100


@router.get("/staff")
def passports(
    request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep, page: str = "1"
) -> HTMLResponse:
    """This organisation's passports, a page at a time (the page number may be in the URL: it names no one)."""
    return _listing(request, web, deployment, source, "", _page_number(page))


@router.post("/staff")
async def search(request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """The passports found by name or prison number, a page at a time. A POST, so that a name never lands in a
    URL, a browser's history or a server log; the page of the results is a field of the form too."""
    form = await request.form()
    require_csrf(web, form)
    q, page = form.get("q"), form.get("page")
    query = q[:MAX_QUERY].strip() if isinstance(q, str) else ""
    number = _page_number(page if isinstance(page, str) else "1")
    return await run_in_threadpool(_listing, request, web, deployment, source, query, number)


def _page_number(text: str) -> int:
    """A page number as asked for (a number past the last page is the last page); anything that is not a number
    is the first page."""
    if not (text.isascii() and text.isdigit()):
        return 1
    return int(text) if len(text) <= 9 else 10**9


def page_links(current: int, pages: int) -> list[int | None]:
    """The pages to link to: the first, the last, and two either side of the current one; ``None`` for a gap."""
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


def _listing(
    request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep, q: str, number: int
) -> HTMLResponse:
    with transaction(deployment.engine) as session:
        listing = list_passports(session, principal=web.principal, query=q, page=number, source=source)
        names = organisation_names(session, deployment.identity)
    return page(
        request,
        "staff_list.html",
        web,
        nav="passports",
        listing=listing,
        q=q,
        kept_by=lambda org: organisation(org, names),
        page_links=page_links(listing.page, listing.pages),
        show_requests=may_edit(web.principal),
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
def post_new_passport(
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
        stored = create_passport(
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
