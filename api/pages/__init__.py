"""The pages people use: the start page, signing in, the reception desk, care staff's pages, a council's pages for
the people due into its area, and the person's own easy-read passport.

``install`` adds them to an app, and ``ERROR_PAGES`` is how their errors look, for ``api.problems.install``:
the problem+json layer knows nothing of the pages beyond that hook.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.pages import authority, me, reception, signin, staff, start
from api.pages.common import errors
from api.pages.common.errors import ERROR_PAGES

__all__ = ["ERROR_PAGES", "install"]


def install(app: FastAPI) -> None:
    """Add the pages' routers (after the API's) and their own error handling (a missing session signs in)."""
    errors.install(app)
    for page in (start, signin, reception, staff, authority, me):
        app.include_router(page.router)
