"""The care staff pages at /staff: the organisation's passports, one passport read whole, its printouts, its
consent and handover, and the forms that edit its sections.

Each module holds the routes of one of these; ``forms/`` holds the form of each section, as data. ``router``
includes them all.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.pages.staff import custody, handover, listing, new, printing, record, release_stats, sections

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
# The order matters: Starlette takes the first route whose path matches. ``/staff/passports/new`` comes before
# the passport page's ``/staff/passports/{pid}``, and every fixed path under a passport (``consent``,
# ``handover``, ``print``, ``card/print``, ``sign-in-code``...) before the sections' catch-all
# ``/staff/passports/{pid}/{section}``, which would otherwise answer for them.
for module in (listing, new, record, printing, custody, handover, release_stats, sections):
    router.include_router(module.router)
