"""Something is wrong: the person tells care staff, in their own words, what in their passport is not right; or,
with one button and no writing, asks them to come and talk.

Writing takes time. What the person writes is kept for them on the server as they go (``/me/still-here``, from
/static/me-idle.js), so that if their pages close before they send it, it waits for them when they sign in again;
a form sent after the session ran out is kept the same way (without JavaScript too), never lost.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common import session as web_session
from api.pages.common.render import redirect
from api.pages.common.session import PersonSession, SignInNeeded, check_csrf
from api.pages.me.page import page
from api.pages.me.words import WRONG_PARTS
from passport.services import (
    MAX_CORRECTION_CHARS,
    keep_draft,
    own_draft,
    request_correction,
    request_talk,
    transaction,
)
from schemas.errors import InvalidContent, InvalidRequest

router = APIRouter(include_in_schema=False)
TIMED_OUT = "/me/sign-in?timed_out=1"
MAX_FORM_CHARS = 20_000
# The fields of what the person writes, wherever it is sent: the report itself, "still here", the end of time.
PartField = Annotated[str, Form(max_length=40)]
TextField = Annotated[str, Form(max_length=MAX_FORM_CHARS)]
CsrfField = Annotated[str, Form(max_length=100)]


def _wrong_form(
    request: Request,
    web: PersonSession,
    *,
    part: str = "",
    text: str = "",
    error: str | None = None,
    kept: bool = False,
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
        kept=kept,
        max_chars=MAX_CORRECTION_CHARS,
    )


@router.get("/me/wrong")
def wrong_page(request: Request, web: PersonSession, deployment: DeploymentDep, part: str = "") -> HTMLResponse:
    """Something is wrong: which part (if the person knows) and what, in their own words; what they were writing
    before, if they did not send it."""
    with transaction(deployment.engine) as session:
        draft = own_draft(session, person=web.principal)
    if draft is None:
        return _wrong_form(request, web, part=part)
    return _wrong_form(request, web, part=draft.section or part, text=draft.text, kept=True)


def keep_after_time_ran_out(request: Request, deployment: DeploymentDep, csrf: str, part: str, text: str) -> Response:
    """The person's pages ran out of time: end the session (their code still works) and keep what they were
    writing for them, then to the sign-in page, which says so."""
    response = redirect("/me/sign-in")
    ended = web_session.end_timed_out(deployment.engine, request, response, csrf)
    if ended is not None:
        kept = bool(text.strip())
        if kept:
            with transaction(deployment.engine) as session:
                keep_draft(session, person=ended.principal, text=text, section=part or None)
        response.headers["location"] = TIMED_OUT + ("&kept=1" if kept else "")
    return response


@router.post("/me/wrong")
def report_wrong(
    request: Request,
    deployment: DeploymentDep,
    source: SourceDep,
    part: PartField = "",
    text: TextField = "",
    csrf: CsrfField = "",
) -> Response:
    """Send the correction request to care staff, then say thank you. If the session ran out while the person was
    writing, keep what they wrote for them instead, and ask them to sign in again."""
    web = web_session.load(deployment.engine, request)
    if web is None:
        return keep_after_time_ran_out(request, deployment, csrf, part, text)
    if web.principal.role != "person":
        raise SignInNeeded("/me/sign-in")
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
    return page(request, "me_wrong_sent.html", web, "/me/wrong", talk=False)


@router.post("/me/talk")
def ask_to_talk(
    request: Request, web: PersonSession, deployment: DeploymentDep, source: SourceDep, csrf: CsrfField = ""
) -> Response:
    """Please come and talk to me: care staff are asked, on their list, without the person writing anything."""
    check_csrf(web.csrf, csrf)
    with transaction(deployment.engine) as session:
        request_talk(session, person=web.principal, source=source)
    return redirect("/me/talk/sent")


@router.get("/me/talk/sent")
def talk_sent_page(request: Request, web: PersonSession) -> HTMLResponse:
    """Thank you: care staff have been asked to come and talk to the person."""
    return page(request, "me_wrong_sent.html", web, "/me/wrong", talk=True)
