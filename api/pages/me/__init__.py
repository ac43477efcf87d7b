"""The person's own pages, at /me: their passport in easy read, who has seen it, who can see what, and
"something is wrong".

Written the easy-read way (Mencap; Department of Health, "Making written information easier to understand"):
short sentences, one idea each, everyday words, a picture beside each part, hard words explained where they
are used. The pages only ever show the signed-in person's own passport: no URL or form names a passport, and
the domain functions (passport.services.people) find it from the session's principal. Every form carries the session's
CSRF token; every page sends the pages' Content-Security-Policy (``api.pages.common.render``).
"""

from __future__ import annotations

from fastapi import APIRouter

from api.pages.me import consent, passport, staying, wrong

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
# No two of these paths overlap, so their order is only the order of the navigation.
for module in (passport, consent, wrong, staying):
    router.include_router(module.router)
