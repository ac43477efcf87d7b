"""The organisation's passports at /staff: a page at a time, or found by name or prison number."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import DeploymentDep, SourceDep
from api.pages.common.names import organisation_names
from api.pages.common.session import StaffSession
from api.pages.staff.amend import may_edit
from api.pages.staff.page import page, require_csrf
from api.pages.staff.words import organisation
from passport.services import list_passports, transaction

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
