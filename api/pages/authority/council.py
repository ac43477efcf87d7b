"""What every page at /authority shares: only a council's service has them, its staff sign in as on /staff, and
the names of the organisations its notices name.

A deployment made with ``passport init --kind local_authority`` receives release notices; any other kind never
does, so its /authority says so in plain words and points its staff to their own release pages, and every page
under it is one that does not exist there.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path

from api.deps import DeploymentDep
from api.pages.common.names import organisation_names
from api.pages.common.session import StaffSession
from passport.services import Deployment, WebSession, transaction
from schemas import UUID4_REGEX
from schemas.errors import NotFound

COUNCIL = "local_authority"


def is_council(deployment: Deployment) -> bool:
    """Whether this deployment is a local authority's (the only kind that receives release notices)."""
    return deployment.identity.info.kind == COUNCIL


def council_staff(web: StaffSession, deployment: DeploymentDep) -> WebSession:
    """This council's staff, signed in; on any other kind of service, a page that does not exist."""
    if not is_council(deployment):
        raise NotFound("there is no such page on this service: it is not a council's")
    return web


CouncilSession = Annotated[WebSession, Depends(council_staff)]


def notice_id(notice: Annotated[str, Path()]) -> str:
    """The notice id in the path; anything that is not one is a page that does not exist."""
    if not re.fullmatch(UUID4_REGEX, notice):
        raise NotFound("there is no notice here")
    return notice


NoticeId = Annotated[str, Depends(notice_id)]


def known_names(deployment: Deployment) -> dict[str, str]:
    """The names this service knows organisations by: its own and its trusted peers' (before the directory's)."""
    with transaction(deployment.engine) as session:
        return organisation_names(session, deployment.identity)
