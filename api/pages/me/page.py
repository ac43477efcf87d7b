"""What every one of the person's pages shares: the navigation and the words every page uses, the organisation
names the person may know, and their own passport, read for them, with where it is kept now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages.common.names import organisation_names
from api.pages.common.render import render
from api.pages.common.session import PersonSession, person_idle
from api.pages.me.words import NAV, PART_NAMES, OrganisationNames
from passport.services import Deployment, own_card_is_stale, own_passport, transaction
from schemas import PassportContent

# WCAG 2.2 SC 2.2.1: warn before the time runs out, with at least 20 seconds to say "still here".
WARN_BEFORE = timedelta(minutes=1)


def duration_words(length: timedelta) -> str:
    """A length of time as a person says it: "10 minutes", "1 minute", "30 seconds"."""
    seconds = int(length.total_seconds())
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def page(
    request: Request, template: str, web: PersonSession, current: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A person's page, with the navigation, the idle warning's timing and the words every page uses. Never kept
    by the browser (``no-store``): on a shared kiosk, Back after signing out must not show the page again."""
    idle = person_idle(request)
    warn = min(WARN_BEFORE, idle / 2)
    response = render(
        request,
        template,
        status_code=status_code,
        web=web,
        nav=NAV,
        current=current,
        idle_seconds=int(idle.total_seconds()),
        idle_words=duration_words(idle),
        warn_seconds=int(warn.total_seconds()),
        warn_words=duration_words(warn),
        part_names=PART_NAMES,
        **context,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class OwnPassport:
    """The person's passport as their pages show it: its content, who keeps it now, and their card."""

    content: PassportContent
    names: OrganisationNames
    keeper: str  # the organisation that keeps it now (the only one that can change it)
    here: bool  # whether that is this organisation
    card_stale: bool  # whether the card they carry no longer shows what the passport says

    @property
    def keeper_name(self) -> str:
        """Who keeps it now, by name ("HMP Risley") or by kind ("another prison")."""
        return self.names(self.keeper)


def own_content(deployment: Deployment, web: PersonSession, source: str | None) -> OwnPassport:
    """The person's own passport (this read is audited), where it is kept now, and the organisation names."""
    with transaction(deployment.engine) as session:
        stored = own_passport(session, person=web.principal, source=source)
        names = OrganisationNames(organisation_names(session, deployment.identity))
        stale = own_card_is_stale(session, person=web.principal)
    here = stored.custodian == deployment.identity.org_id
    return OwnPassport(stored.parsed, names, stored.custodian, here, stale and here)


def moved_page(request: Request, web: PersonSession, deployment: Deployment, source: str | None) -> HTMLResponse:
    """A change the person asked for cannot be made here: their passport has moved. Where it is, and who can help."""
    own = own_content(deployment, web, source)
    return page(request, "me_moved.html", web, "/me/consent", status_code=409, own=own)


# Errors on the person's pages, in their words (never the service's own, which may say "custody" or "CSRF").
_CHANGED = "It changed while you were using it. We did not make your change. Please look again."
_ERROR_WORDS: dict[int, tuple[str, str]] = {
    400: ("Something was not right", "Please go back and try again. Nothing was changed."),
    403: ("This page is too old", "This form has expired. Please go back, open the page again and try again."),
    404: ("We cannot find that page", "Please use the buttons at the top to find what you need."),
    409: (
        "Your passport changed",
        "It changed while you were using it. Nothing was changed by you. Please look again.",
    ),
    412: (
        "Your passport changed",
        "It changed while you were using it. Nothing was changed by you. Please look again.",
    ),
    422: ("Something was not right", "Please go back and try again. Nothing was changed."),
    503: ("This is not working just now", "Please try again later, or ask a member of staff."),
}
_SORRY = ("Sorry, something went wrong", "It was our fault. Nothing was changed. Please try again.")


def error_page(request: Request, web: PersonSession, status: int) -> HTMLResponse:
    """An error on the person's pages, in plain words, with their navigation and Sign out still there (on a shared
    kiosk, the way out must never disappear)."""
    title, detail = _ERROR_WORDS.get(status, _SORRY)
    return page(request, "me_error.html", web, "", status_code=status, title=title, detail=detail)
