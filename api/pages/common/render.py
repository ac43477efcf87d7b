"""Rendering pages: Jinja2 templates (autoescaped), the pages' Content-Security-Policy, and the redirect after a form.

Pages are plain HTML and CSS; every core flow works without JavaScript. The policy lets a page load only this
site's own styles, scripts and images, send requests (the person's pages' "still here") and forms only to this
site, and never be framed.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from passport.services import WebSession, as_utc

TEMPLATES = Path(__file__).parents[2] / "templates"
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def csp_with_style(style: str) -> str:
    """The pages' CSP, also allowing the one inline ``<style>`` element whose text is exactly ``style`` (a CSP
    hash source): for what only a stylesheet can say and only the page knows, such as a printed page's running
    header."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return PAGE_CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")


def day(value: date) -> str:
    """A date as people say it, on every page: 2 May 2025."""
    return f"{value.day} {value:%B %Y}"


def when(moment: datetime) -> str:
    """A time as a person reads it: 3 March 2027, 14:05 (UTC)."""
    moment = as_utc(moment).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"


templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = when
templates.filters["day"] = day


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    web: WebSession | None = None,
    csrf: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page, with the session's CSRF token for its forms, and the pages' CSP."""
    deployment = request.app.state.deployment
    html = templates.get_template(template).render(
        request=request,
        web=web,
        csrf=csrf or (web.csrf if web else ""),
        organisation=deployment.identity.info,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def redirect(url: str) -> RedirectResponse:
    """After a form: 303 See Other, so a reload does not post it again."""
    return RedirectResponse(url, status_code=303)
