"""Errors on the pages, shown as pages in plain words: never problem+json, never a traceback.

``api.problems`` decides what an error means and its status; for a request to the pages it asks
:data:`ERROR_PAGES` to draw the error as a page instead. A page whose session is missing is not an error but a
redirect to sign in, handled here too (``install``). The person's errors are drawn by their own pages
(``api.pages.me.page.error_page``), in their words and with their navigation.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.pages.common.render import render
from api.pages.common.session import SignInNeeded, load
from api.pages.me import page as me_page
from api.problems import status_for
from passport.services import WebSession
from schemas.errors import PassportError

_PAGE_TITLES = {
    400: "Something in the form is not right",
    401: "Please sign in",
    403: "You cannot do that here",
    404: "Page not found",
    409: "This passport has moved on",
    412: "Someone else changed this passport first",
    422: "Something in the form is not right",
    503: "The service is not available",
}


# Where an error page leads on, by the first part of the path: a page that exists for whoever was there (one that
# needs a session signs in first). Anywhere else, the start page.
_WAYS_ON = {
    "me": ("/me", "Go to your passport"),
    "reception": ("/reception", "Go to the reception desk"),
    "staff": ("/staff", "Go to the list of passports"),
    "authority": ("/authority", "Go to the people due into your area"),
}
_START = ("/", "Go to the start page")
# The API's own paths: an error there is always problem+json, whoever asks.
_API_PATHS = ("v1", ".well-known")


def _first_part(request: Request) -> str:
    return request.url.path.split("/", 2)[1]


def is_page(request: Request) -> bool:
    """Whether a request is for the pages (errors are shown as a page, not problem+json): the pages' own paths,
    and any other path outside the API that a browser asks for (a mistyped address gets a page, not JSON)."""
    first = _first_part(request)
    if first in _WAYS_ON:
        return True
    return first not in _API_PATHS and "text/html" in request.headers.get("accept", "")


def way_on(request: Request) -> tuple[str, str]:
    """The link an error page offers, and its words: never to a page that does not exist."""
    return _WAYS_ON.get(_first_part(request), _START)


def _person(request: Request) -> WebSession | None:
    """The person signed in, on a request to their pages (their errors keep their navigation and Sign out)."""
    if not request.url.path.startswith("/me"):
        return None
    web = load(request.app.state.deployment.engine, request)
    return web if web is not None and web.principal.role == "person" else None


def error_page(request: Request, error: PassportError) -> Response:
    """An error on the pages, as a page in plain words (never a traceback)."""
    status = status_for(error)
    person = _person(request)
    if person is not None:
        return me_page.error_page(request, person, status)
    detail = error.detail[0].upper() + error.detail[1:] + ("" if error.detail.endswith(".") else ".")
    if error.errors:
        detail += " " + "; ".join(f"{e.get('field', '')}: {e.get('message', '')}" for e in error.errors)
    title = _PAGE_TITLES.get(status, "Something went wrong")
    back, back_text = way_on(request)
    return render(request, "error.html", status_code=status, title=title, detail=detail, back=back, back_text=back_text)


def unexpected_page(request: Request) -> Response:
    """An unexpected error on the pages: nothing was changed; try again."""
    person = _person(request)
    if person is not None:
        return me_page.error_page(request, person, 500)
    detail = "Something went wrong on our side. Nothing was changed. Please try again."
    back, back_text = way_on(request)
    return render(request, "error.html", status_code=500, title="Sorry", detail=detail, back=back, back_text=back_text)


class ErrorPages:
    """The pages' side of ``api.problems.ErrorPages``: which requests are pages, and how their errors look."""

    def shows(self, request: Request) -> bool:
        """Whether errors on this request are shown as a page."""
        return is_page(request)

    def error(self, request: Request, error: PassportError) -> Response:
        """One of our errors, as a page."""
        return error_page(request, error)

    def unexpected(self, request: Request) -> Response:
        """An unexpected error, as a page."""
        return unexpected_page(request)


ERROR_PAGES = ErrorPages()


def install(app: FastAPI) -> None:
    """Register the pages' own handler: no live session of the right kind sends the browser to sign in."""

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        return RedirectResponse(exc.where, status_code=303)
