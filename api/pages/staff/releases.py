"""The prison's side of a release, on the staff pages: per upcoming release of a passport, what the council has
done (told when, acknowledged, looked at the care record, its latest status, or "not our area" with its reason
and the council it named), and the list of releases running late (``late_list``) with why each is late.

The notices, their receipts and the late list are the services' (``passport.services.releases``); here they are
said in words, with every organisation by name and every failure in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import DeploymentDep, SourceDep
from api.pages.authority.words import not_delivered
from api.pages.common.names import organisation_names
from api.pages.common.session import StaffSession
from api.pages.staff.page import page, person_name
from api.pages.staff.reviews import today
from api.pages.staff.words import day, organisation, say
from passport.services import Deployment, Journey, WebSession, get_current, late_list, release_journeys, transaction
from schemas import NOTICE_PERIOD_DAYS

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Release:
    """One release as staff read it."""

    journey: Journey
    council: str  # the destination council, by name
    suggested: str | None  # the council it named when it declined, by name
    failure: str | None  # why the last delivery failed, in words
    waiting: str | None  # why the council does not have the newest notice yet, in words
    late: tuple[str, ...]  # why it is running late, in words (empty when it is not)

    @property
    def state(self) -> str:
        """Where the release stands, in a few words."""
        j = self.journey
        if j.released:
            return "Released: the council took over the passport"
        if j.cancelled:
            return "Called off: the council was told" if j.notified_at else "Called off"
        if j.declined_reason is not None:
            return "The council said it is not their area"
        if j.status is None:
            return "Notice sent, no answer yet" if j.notified_at else "Notice not sent yet"
        return say("authority_step", j.status)


def _waiting(journey: Journey, failure: str | None, on: date) -> str | None:
    """When the notice has not reached the council yet: why, in words (None when it has)."""
    if journey.released or (journey.notified_at is not None and journey.up_to_date):
        return None
    if failure:
        return f"It did not arrive: {failure}. This service tries again by itself."
    if journey.notified_at is not None:
        return "The latest change has not reached the council yet. This service sends it by itself."
    if journey.cancelled:
        return None  # the council was never told, so there is nothing to call off
    sent_on = journey.expected_date - timedelta(days=NOTICE_PERIOD_DAYS) if journey.expected_date else on
    if sent_on > on:
        return f"It will be sent on {day(sent_on.isoformat())}, {NOTICE_PERIOD_DAYS} days before the release."
    return "It will be sent shortly. This service sends notices by itself."


def _release(journey: Journey, names: dict[str, str], on: date) -> Release:
    failure = not_delivered(journey.failure) if journey.failure else None
    return Release(
        journey=journey,
        council=organisation(journey.destination, names),
        suggested=organisation(journey.declined_suggested, names) if journey.declined_suggested else None,
        failure=failure,
        waiting=_waiting(journey, failure, on),
        late=tuple(say("late_reason", reason) for reason in journey.late(on)),
    )


def passport_releases(deployment: Deployment, web: WebSession, pid: str) -> list[Release]:
    """Every release of one passport (reading them is audited), the newest expected date first."""
    with transaction(deployment.engine) as session:
        journeys = release_journeys(session, principal=web.principal, pid=pid)
        names = organisation_names(session, deployment.identity)
    on = today()
    return [_release(j, names, on) for j in journeys]


@dataclass(frozen=True)
class Late:
    """A release on the late list, with whose it is, for the link to their passport."""

    release: Release
    name: str
    noms: str | None


@router.get("/staff/releases/late")
def late_releases(request: Request, web: StaffSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """Releases in the next 28 days whose council is not ready, soonest first."""
    on = today()
    shown = []
    with transaction(deployment.engine) as session:
        names = organisation_names(session, deployment.identity)
        for journey in late_list(session, principal=web.principal, today=on):
            stored = get_current(session, principal=web.principal, pid=journey.pid, source=source, action="read")
            noms = stored.parsed.subject.display_identifiers().get("noms")
            shown.append(Late(_release(journey, names, on), person_name(stored.content), noms))
    return page(request, "staff_releases_late.html", web, nav="late", late=shown)
