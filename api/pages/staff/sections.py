"""Editing the sections of a passport: for a list section, a page of its items (each to change or remove) and a
form per item; for any other section, one form. Every save makes a new version (``saving.save``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor, find_item, with_item, with_section, without_item
from api.pages.staff.display import show_section
from api.pages.staff.forms import form_for
from api.pages.staff.forms.eligibility import kept_scheme
from api.pages.staff.forms.fields import Part, SectionForm, Values
from api.pages.staff.page import Pid, Posted, page, person_name, require_csrf
from api.pages.staff.saving import Edit, Shown, editable, save
from api.pages.staff.words import options
from schemas.errors import InvalidRequest, NotFound

router = APIRouter(include_in_schema=False)
Mode = Literal["add", "change", "section", "remove"]


def _form(section: str, *, listed: bool | None = None) -> SectionForm:
    form = form_for(section)
    if form is None or (listed is not None and form.is_list != listed):
        raise NotFound("there is no such part of the passport")
    return form


def _paths(pid: str, form: SectionForm, mode: Mode, ref: str | None) -> tuple[str, str]:
    """Where the form posts, and where Back and a save go."""
    base = f"/staff/passports/{pid}/{form.section}"
    if mode == "add":
        return f"{base}/add", base
    if mode in ("change", "remove"):
        return f"{base}/items/{ref}" + ("/remove" if mode == "remove" else ""), base
    return base, f"/staff/passports/{pid}"


class _Sheet:
    """Draws one form of a section (bound to the request, the section and the item), for ``Edit.show``."""

    def __init__(self, request: Request, web: StaffSession, form: SectionForm, mode: Mode, pid: str, ref: str | None):
        self.request, self.web, self.form, self.mode, self.pid, self.ref = request, web, form, mode, pid, ref

    def __call__(self, shown: Shown) -> HTMLResponse:
        form, mode = self.form, self.mode
        action, back = _paths(self.pid, form, mode, self.ref)
        if shown.gone and mode == "change":  # a colleague removed it: saving adds it back
            action, _ = _paths(self.pid, form, "add", None)
        if mode == "remove":
            item = next((s for s in show_section(form, shown.content, shown.names) if s.key == self.ref), None)
            title = f"Remove this {form.one}?"
            return page(
                self.request,
                "staff_remove.html",
                self.web,
                title=title,
                shown=item,
                action=action,
                back=back,
                **shown.form,
            )
        title = {"add": f"Add {form.noun}", "change": f"Change this {form.one}"}.get(mode, form.title)
        parts = form.parts(shown.content, shown.values)
        return page(
            self.request,
            "staff_form.html",
            self.web,
            title=title,
            parts=parts,
            submit="Save",
            action=action,
            back=back,
            one=form.one,
            **shown.form,
        )


def _edit(sheet: _Sheet) -> Edit:
    form, mode, ref = sheet.form, sheet.mode, sheet.ref

    def parts(content: Any, sent: Values) -> tuple[Part, ...]:
        if mode == "remove":
            return ()
        if mode == "change" and form.section == "eligibility":
            # A changed decision keeps its scheme (the stored item's); a form saying another is refused.
            assert ref is not None
            items = list(content.get(form.section, []))
            sent = kept_scheme(items[find_item(items, ref)], sent)
        return form.parts(content, sent)

    def apply(content: dict[str, Any], values: Values, editor: Editor) -> tuple[dict[str, Any], str]:
        if mode == "remove":
            assert ref is not None
            return without_item(content, form.section, ref), ""
        if mode == "section":
            return with_section(content, form, values)
        return with_item(content, form, ref, values, editor)

    def values_of(content: Mapping[str, Any]) -> Values | None:
        if mode == "section":
            current = content.get(form.section)
            return form.values_of(current) if current else dict(form.defaults)
        assert ref is not None
        items = list(content.get(form.section, []))
        try:
            return form.values_of(items[find_item(items, ref)])
        except NotFound:
            return None

    _, done = _paths(sheet.pid, form, mode, ref)
    saved = "removed" if mode == "remove" else form.section
    return Edit(
        parts=parts,
        apply=apply,
        show=sheet,
        done=done,
        saved=saved,
        renames=form.renames,
        check=form.check,
        values_of=None if mode == "add" else values_of,
        removes=mode == "remove",
    )


@router.get("/staff/passports/{pid}/{section}")
def section_page(
    request: Request, pid: Pid, section: str, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """A list section's items, or the form of a section that is one whole."""
    form = _form(section)
    stored, names = editable(deployment, web, pid, source)
    if not form.is_list:
        current = stored.content.get(section)
        values = form.values_of(current) if current else dict(form.defaults)
        sheet = _Sheet(request, web, form, "section", pid, None)
        return sheet(Shown.of(stored, values, names))
    return page(
        request,
        "staff_section.html",
        web,
        form=form,
        pid=pid,
        caption=person_name(stored.content),
        shown=show_section(form, stored.content, names),
        saved=request.query_params.get("saved"),
        card_reprint=request.query_params.get("card") == "reprint",
        merged=request.query_params.get("merged") == "yes",
        ver=stored.ver,
        schemes=options("scheme") if section == "eligibility" else (),
    )


@router.get("/staff/passports/{pid}/{section}/add")
def add_form(
    request: Request, pid: Pid, section: str, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The form for a new item."""
    form = _form(section, listed=True)
    stored, names = editable(deployment, web, pid, source)
    values = dict(form.defaults)
    if section == "eligibility":
        scheme = request.query_params.get("scheme", "")
        if scheme not in dict(options("scheme")):
            raise InvalidRequest("choose the scheme the decision was made under")
        values["scheme"] = scheme
    sheet = _Sheet(request, web, form, "add", pid, None)
    return sheet(Shown.of(stored, values, names))


@router.get("/staff/passports/{pid}/{section}/items/{ref}")
@router.get("/staff/passports/{pid}/{section}/items/{ref}/remove")
def item_form(
    request: Request, pid: Pid, section: str, ref: str, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The form for an item as it is now, or the question whether to remove it."""
    form = _form(section, listed=True)
    stored, names = editable(deployment, web, pid, source)
    items = list(stored.content.get(section, []))
    values = form.values_of(items[find_item(items, ref)])
    mode: Mode = "remove" if request.url.path.endswith("/remove") else "change"
    sheet = _Sheet(request, web, form, mode, pid, ref)
    return sheet(Shown.of(stored, values, names))


@router.post("/staff/passports/{pid}/{section}")
@router.post("/staff/passports/{pid}/{section}/add")
def save_section(
    request: Request,
    pid: Pid,
    section: str,
    posted: Posted,
    web: StaffSession,
    deployment: DeploymentDep,
    source: SourceDep,
) -> Response:
    """Save a section that is one whole, or add an item to a list section."""
    require_csrf(web, posted)
    adding = request.url.path.endswith("/add")
    sheet = _Sheet(request, web, _form(section, listed=adding), "add" if adding else "section", pid, None)
    return save(deployment, web, source, pid, posted, _edit(sheet))


@router.post("/staff/passports/{pid}/{section}/items/{ref}")
@router.post("/staff/passports/{pid}/{section}/items/{ref}/remove")
def save_item(
    request: Request,
    pid: Pid,
    section: str,
    ref: str,
    posted: Posted,
    web: StaffSession,
    deployment: DeploymentDep,
    source: SourceDep,
) -> Response:
    """Change an item, or remove it."""
    require_csrf(web, posted)
    mode: Mode = "remove" if request.url.path.endswith("/remove") else "change"
    sheet = _Sheet(request, web, _form(section, listed=True), mode, pid, ref)
    return save(deployment, web, source, pid, posted, _edit(sheet))
