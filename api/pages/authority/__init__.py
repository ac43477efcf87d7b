"""The council's pages at /authority: the people due into its area from prisons, and per person the notice checked
again, the care details the prison shared, and the council's answers (acknowledge, not our area, status).

Only a council's service (``passport init --kind local_authority``) has them; its staff sign in as on /staff.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.pages.authority import listing, person

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for module in (listing, person):
    router.include_router(module.router)
