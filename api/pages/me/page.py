"""What every one of the person's pages shares: the navigation and the words every page uses, the organisation
names the person may know, and their own passport, read for them."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.pages.common.render import render
from api.pages.common.session import PersonSession
from api.pages.me.words import NAV, PART_NAMES
from passport.services import PERSON_IDLE, Deployment, list_peers, own_passport, transaction
from schemas import PassportContent

IDLE_MINUTES = int(PERSON_IDLE.total_seconds() // 60)


def page(
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


def organisation_names(session: Session, deployment: Deployment) -> dict[str, str]:
    """Organisation names the person may know: this one's, and every trusted peer's."""
    names = {peer.org_id: peer.name for peer in list_peers(session)}
    info = deployment.identity.info
    names[info.org_id] = info.name
    return names


def own_content(
    deployment: Deployment, web: PersonSession, source: str | None
) -> tuple[PassportContent, dict[str, str]]:
    """The person's own passport content (this read is audited), and the organisation names."""
    with transaction(deployment.engine) as session:
        stored = own_passport(session, person=web.principal, source=source)
        names = organisation_names(session, deployment)
    return stored.parsed, names
