"""The person's own pages, at /me: their passport in easy read, who has seen it, who can see what, and
"something is wrong".

Written the easy-read way (Mencap; Department of Health, "Making written information easier to understand"):
short sentences, one idea each, everyday words, a picture beside each part, hard words explained where they
are used. The pages only ever show the signed-in person's own passport: no URL or form names a passport, and
the domain functions (passport.services.people) find it from the session's principal. Every form carries the session's
CSRF token; every page sends the pages' Content-Security-Policy (api.pages.common.render).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect, render
from api.pages.common.session import PersonSession, check_csrf
from passport.services import (
    MAX_CORRECTION_CHARS,
    PERSON_IDLE,
    Deployment,
    change_own_consent,
    describe_all,
    list_peers,
    organisation_name,
    own_audit,
    own_passport,
    request_correction,
    transaction,
)
from schemas import AUDIENCES, DISCLOSABLE_SECTIONS, Audience, PassportContent, parse_content
from schemas.errors import InvalidContent, InvalidRequest, NotFound

router = APIRouter(include_in_schema=False)

MAX_EVENTS_SHOWN = 200
IDLE_MINUTES = int(PERSON_IDLE.total_seconds() // 60)

# The parts of the passport, as the person's pages name them, in the order the passport page shows them.
PART_NAMES: dict[str, str] = {
    "about_me": "About me",
    "communication": "How to talk with me",
    "needs": "The help I need",
    "eligibility": "Help from the council",
    "equipment": "My equipment",
    "services": "Services and how well they worked",
    "assessments": "Checks of what help I need",
    "social_work": "Social workers",
    "caring_responsibilities": "My family",
    "release_plan": "Leaving prison",
    "responsibility": "Who is responsible for my care",
}
PART_ICONS: dict[str, str] = {
    "about_me": "person",
    "communication": "speech",
    "needs": "heart",
    "eligibility": "tick",
    "equipment": "wheelchair",
    "services": "star",
    "assessments": "clipboard",
    "social_work": "people",
    "caring_responsibilities": "home",
    "responsibility": "shield",
    "release_plan": "door",
}
# "Something is wrong" may also be about the person's name and details, which every view shows.
WRONG_PARTS: dict[str, str] = {"subject": "My name and details", **PART_NAMES}


@dataclass(frozen=True)
class AudienceWords:
    """An audience of the person's consent, in plain words."""

    name: str  # "Councils": a heading, and the start of a sentence
    short: str  # "councils": in the middle of a sentence
    about: str  # who they are, in one sentence
    icon: str


AUDIENCE_WORDS: dict[str, AudienceWords] = {
    "prison": AudienceWords(
        "Other prisons",
        "other prisons",
        "If you move to another prison, staff there can see these parts before you arrive.",
        "prison",
    ),
    "local_authority": AudienceWords(
        "Councils", "councils", "The council helps with care and support, in prison and when you leave.", "council"
    ),
    "health": AudienceWords("NHS staff", "NHS staff", "Doctors, nurses and other health staff.", "health"),
    "probation": AudienceWords(
        "Probation", "probation", "Your probation officer helps you when you leave prison.", "probation"
    ),
    "reception_card": AudienceWords(
        "Reception staff who scan your card",
        "reception staff",
        "You carry a passport card. Reception staff scan it when you arrive at a prison.",
        "card",
    ),
}
NAV = (
    ("/me", "My passport"),
    ("/me/seen", "Who has seen it"),
    ("/me/consent", "Who can see what"),
    ("/me/wrong", "Something is wrong"),
)


def day(value: date) -> str:
    """A date as a person says it: 2 May 2025."""
    return f"{value.day} {value:%B %Y}"


def sentence(text: str, stop: bool = True) -> str:
    """Recorded words as a sentence: a capital letter first and (unless ``stop`` is false) a full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if not stop or text[-1] in ".!?" else text + "."


@dataclass(frozen=True)
class OrganisationNames:
    """Organisation names for the person's pages: the name if we know it, else what kind of place it is."""

    names: dict[str, str]

    def __call__(self, org: str | None, start: bool = False) -> str:
        """The name ("HMP Wymott", "a council"), with a capital letter when it starts a sentence."""
        name = organisation_name(org, self.names)
        return name[0].upper() + name[1:] if start and name else name

    def known(self, org: str | None) -> bool:
        """Whether we know the organisation's name (not only its kind)."""
        return org is not None and org in self.names


def _page(
    request: Request, template: str, web: PersonSession, current: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A person's page, with the navigation and the words every page uses."""
    return render(
        request,
        template,
        status_code=status_code,
        web=web,
        nav=NAV,
        current=current,
        idle_minutes=IDLE_MINUTES,
        part_names=PART_NAMES,
        **context,
    )


def _names(session: Session, deployment: Deployment) -> dict[str, str]:
    """Organisation names the person may know: this one's, and every trusted peer's."""
    names = {peer.org_id: peer.name for peer in list_peers(session)}
    info = deployment.identity.info
    names[info.org_id] = info.name
    return names


def _own(deployment: Deployment, web: PersonSession, source: str | None) -> tuple[PassportContent, dict[str, str]]:
    """The person's own passport content (this read is audited), and the organisation names."""
    with transaction(deployment.engine) as session:
        stored = own_passport(session, person=web.principal, source=source)
        names = _names(session, deployment)
    return parse_content(stored.content), names


@router.get("/me")
def passport_page(request: Request, web: PersonSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """Your care passport, in easy read: a picture beside each part, hard words explained."""
    content, names = _own(deployment, web, source)
    org = OrganisationNames(names)
    return _page(
        request,
        "me_passport.html",
        web,
        "/me",
        content=content,
        org=org,
        known=org.known,
        day=day,
        sentence=sentence,
        part_icons=PART_ICONS,
    )


@router.get("/me/seen")
def seen_page(request: Request, web: PersonSession, deployment: DeploymentDep) -> HTMLResponse:
    """Who has seen my passport: the audit trail in plain words, newest first, refusals and overrides too."""
    with transaction(deployment.engine) as session:
        rows = own_audit(session, person=web.principal)
        names = _names(session, deployment)
    # The person reading their own passport is in the trail (as every read is), but listing each of their own
    # visits would bury what others did.
    others = [row for row in rows if not (row.role == "person" and row.action == "read")]
    events = describe_all(others, names)
    return _page(
        request,
        "me_seen.html",
        web,
        "/me/seen",
        events=events[:MAX_EVENTS_SHOWN],
        more=len(events) > MAX_EVENTS_SHOWN,
        max_events=MAX_EVENTS_SHOWN,
    )


def _audience(value: str) -> Audience:
    for audience in AUDIENCES:
        if audience == value:
            return audience
    raise NotFound("there is no such group of people")


@router.get("/me/consent")
def consent_page(request: Request, web: PersonSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """Who can see what: each audience, the parts it can see, and a way to change that."""
    content, _ = _own(deployment, web, source)
    permitted = {audience: content.consent.permitted_sections(audience) for audience in AUDIENCES}
    withheld = {audience: len(content.consent.withheld_items(audience)) for audience in AUDIENCES}
    return _page(
        request,
        "me_consent.html",
        web,
        "/me/consent",
        permitted=permitted,
        withheld=withheld,
        audiences=AUDIENCE_WORDS,
        icons=PART_ICONS,
    )


@router.get("/me/consent/{audience}")
def consent_audience_page(
    request: Request,
    audience: str,
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    changed: str | None = None,
    allowed: str | None = None,
) -> HTMLResponse:
    """What one audience can see, with a button to stop them seeing each part or to let them see it again."""
    chosen = _audience(audience)
    content, _ = _own(deployment, web, source)
    permitted = content.consent.permitted_sections(chosen)
    # The status after a change: only names we know, never text from the URL.
    status = None
    if changed in PART_NAMES and allowed in ("0", "1"):
        who, part = AUDIENCE_WORDS[chosen].name, PART_NAMES[changed]
        status = f"{who} can see {part} again." if allowed == "1" else f"{who} can no longer see {part}."
    return _page(
        request,
        "me_consent_audience.html",
        web,
        "/me/consent",
        audience=chosen,
        words=AUDIENCE_WORDS[chosen],
        can_see=[part for part in PART_NAMES if part in permitted],
        cannot_see=[part for part in PART_NAMES if part not in permitted],
        icons=PART_ICONS,
        status=status,
        changed=changed,
    )


@router.post("/me/consent")
def change_consent(
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    audience: Annotated[str, Form(max_length=20)] = "",
    section: Annotated[str, Form(max_length=40)] = "",
    allow: Annotated[str, Form(max_length=1)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Stop an audience seeing a part, or let them see it again: a new version of the passport, then back."""
    check_csrf(web.csrf, csrf)
    chosen = _audience(audience)
    if section not in DISCLOSABLE_SECTIONS or allow not in ("0", "1"):
        raise InvalidRequest("that is not a part of your passport you can share")
    wanted = allow == "1"
    with transaction(deployment.engine) as session:
        current = parse_content(own_passport(session, person=web.principal, source=source).content)
        # Pressing a button twice (or going back and pressing it again) must not make an empty new version.
        if (section in current.consent.permitted_sections(chosen)) != wanted:
            change_own_consent(
                session,
                identity=deployment.identity,
                person=web.principal,
                audience=chosen,
                section=section,
                allow=wanted,
                now=int(time.time()),
                source=source,
            )
    return redirect(f"/me/consent/{chosen}?changed={section}&allowed={allow}")


def _wrong_form(
    request: Request, web: PersonSession, *, part: str = "", text: str = "", error: str | None = None
) -> HTMLResponse:
    return _page(
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
    return _page(request, "me_wrong_sent.html", web, "/me/wrong")
