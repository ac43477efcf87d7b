"""Something is wrong: the person tells care staff, in their own words, what in their passport is not right."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import PersonSession, check_csrf
from api.pages.me.page import page
from api.pages.me.words import WRONG_PARTS
from passport.services import MAX_CORRECTION_CHARS, request_correction, transaction
from schemas.errors import InvalidContent, InvalidRequest

router = APIRouter(include_in_schema=False)


def _wrong_form(
    request: Request, web: PersonSession, *, part: str = "", text: str = "", error: str | None = None
) -> HTMLResponse:
    return page(
        request,
        "me_wrong.html",
        web,
        "/me/wrong",
        status_code=400 if error else 200,
        parts=WRONG_PARTS,
        part=part if part in WRONG_PARTS else "",
        text=text,
        error=error,
        max_chars=MAX_CORRECTION_CHARS,
    )


@router.get("/me/wrong")
def wrong_page(request: Request, web: PersonSession, part: str = "") -> HTMLResponse:
    """Something is wrong: which part (if the person knows) and what, in their own words."""
    return _wrong_form(request, web, part=part)


@router.post("/me/wrong")
def report_wrong(
    request: Request,
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    part: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=20_000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Send the correction request to care staff, then say thank you."""
    check_csrf(web.csrf, csrf)
    if part and part not in WRONG_PARTS:
        raise InvalidRequest("that is not a part of your passport")
    if not text.strip():
        return _wrong_form(request, web, part=part, text=text, error="Please write what is wrong.")
    if len(text.strip()) > MAX_CORRECTION_CHARS:
        error = f"That is too long. Please use fewer words: up to {MAX_CORRECTION_CHARS} letters."
        return _wrong_form(request, web, part=part, text=text, error=error)
    try:
        with transaction(deployment.engine) as session:
            request_correction(session, person=web.principal, text=text, section=part or None, source=source)
    except InvalidContent:
        error = "Some of the letters in that cannot be kept. Please type it again using words and numbers."
        return _wrong_form(request, web, part=part, text=text, error=error)
    return redirect("/me/wrong/sent")


@router.get("/me/wrong/sent")
def wrong_sent_page(request: Request, web: PersonSession) -> HTMLResponse:
    """Thank you: care staff have been told, and will talk to the person."""
    return page(request, "me_wrong_sent.html", web, "/me/wrong")
