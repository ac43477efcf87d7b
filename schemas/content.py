"""The passport content as one model, and the one way in and out of it.

:func:`parse_content` is the only door: it takes a mapping or JSON text, checks every section and the
references between them (item ids unique across the passport, withholds and source assessments naming items
that exist) and returns a frozen :class:`PassportContent`, or raises :class:`~schemas.errors.InvalidContent`
naming every bad field. :func:`content_to_claims` writes the canonical JSON form that is signed; parsing it
back gives an equal model. Nothing is half-accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from schemas.care import (
    Assessment,
    CaringResponsibility,
    Equipment,
    Need,
    ReleasePlan,
    Responsibility,
    Service,
    SocialWork,
)
from schemas.consent import LIST_SECTIONS, Consent, ListSection
from schemas.eligibility import ChildInNeedAssessment, Eligibility
from schemas.errors import InvalidContent
from schemas.person import AboutMe, Communication, Subject
from schemas.primitives import MAX_LIST_ITEMS, ContentModel, FieldPath, _FieldRuleError

MAX_CONTENT_BYTES = 1_048_576
"""Largest JSON text :func:`parse_content` reads, in bytes (the reference passport is under 10 kB)."""

# Discriminator fields of the tagged unions: pydantic puts the tag into an error's location, the data does not
# have it there, so it is left out of the field path a person sees.
_DISCRIMINATORS = ("system", "scheme")
_ROOT = "(root)"
_MAX_REPORTED_ERRORS = 100
_FIELDS_IN_SUMMARY = 3


class PassportContent(ContentModel):
    """A care passport's content: who the person is, their needs and care, and their consent to share it."""

    subject: Subject
    about_me: AboutMe | None = None
    communication: Communication | None = None
    needs: tuple[Need, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    eligibility: tuple[Eligibility, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    equipment: tuple[Equipment, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    services: tuple[Service, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    assessments: tuple[Assessment, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    social_work: tuple[SocialWork, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    caring_responsibilities: tuple[CaringResponsibility, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    responsibility: tuple[Responsibility, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    release_plan: ReleasePlan | None = None
    consent: Consent

    @model_validator(mode="after")
    def _references_hold(self) -> PassportContent:
        problems = [
            *self._duplicate_ids(),
            *self._unknown_sources(),
            *self._unknown_withholds(),
            *self._only_for_a_child(),
        ]
        if problems:
            raise _FieldRuleError(*problems)
        return self

    def iter_items(self) -> Iterator[tuple[ListSection, int, ContentModel]]:
        """Every item of every list section, as ``(section, index, item)``, in section order."""
        for section in LIST_SECTIONS:
            items: tuple[ContentModel, ...] = getattr(self, section)
            for index, item in enumerate(items):
                yield section, index, item

    def item_ids(self) -> tuple[str, ...]:
        """The ids of all items that have one, in section order."""
        return tuple(item_id for _, _, item in self.iter_items() if (item_id := _item_id(item)) is not None)

    def _duplicate_ids(self) -> Iterator[tuple[FieldPath, str]]:
        # Consent withholds items by id alone, so an id must name one item in the whole passport.
        seen: set[str] = set()
        for section, index, item in self.iter_items():
            item_id = _item_id(item)
            if item_id is None:
                continue
            if item_id in seen:
                yield (
                    (section, index, "id"),
                    "duplicate item id: ids must be unique across the whole passport",
                )
            seen.add(item_id)

    def _unknown_sources(self) -> Iterator[tuple[FieldPath, str]]:
        assessment_ids = {a.id for a in self.assessments}
        for index, need in enumerate(self.needs):
            if need.source_assessment is not None and need.source_assessment not in assessment_ids:
                yield ("needs", index, "source_assessment"), "must name the id of an item in assessments"

    def _unknown_withholds(self) -> Iterator[tuple[FieldPath, str]]:
        known = set(self.item_ids())
        for audience, given in self.consent.audiences.items():
            for index, item_id in enumerate(given.withhold_items):
                if item_id not in known:
                    path = ("consent", "audiences", audience, "withhold_items", index)
                    yield path, "must name the id of an item in this passport"

    def _only_for_a_child(self) -> Iterator[tuple[FieldPath, str]]:
        # Children Act 1989 s.105(1): a child is a person under 18. Only a child is assessed as a child in need,
        # and parental responsibility (s.3) ends at 18, so after that only the person can consent.
        for index, item in enumerate(self.eligibility):
            if isinstance(item, ChildInNeedAssessment) and not self.subject.is_child_on(item.assessed_on):
                yield ("eligibility", index, "assessed_on"), "must be before the person turned 18 (a child in need)"
        consent = self.consent
        if consent.given_by == "parental_responsibility" and not self.subject.is_child_on(consent.recorded_at):
            yield ("consent", "given_by"), "can be parental_responsibility only while the person is under 18"


def _item_id(item: ContentModel) -> str | None:
    item_id = getattr(item, "id", None)
    return item_id if isinstance(item_id, str) else None


def parse_content(data: Mapping[str, object] | str | bytes) -> PassportContent:
    """Validate passport content given as a mapping or as JSON text (UTF-8), or raise ``InvalidContent``.

    The error's ``errors`` list has one ``{"field": "needs.0.domain", "message": "..."}`` per problem;
    messages name the rule broken and never repeat the value given.
    """
    loaded: object = _load_json(data) if isinstance(data, str | bytes) else data
    try:
        return PassportContent.model_validate(loaded)
    except ValidationError as exc:
        # The one place where pydantic's errors become ours.
        errors = _describe(exc.errors(include_url=False, include_input=False), loaded)
        raise InvalidContent(_summary(errors), errors=errors) from exc


def content_to_claims(content: PassportContent) -> dict[str, Any]:
    """The canonical JSON form of the content, as signed (without absent values); parse_content inverts it."""
    return content.model_dump(mode="json", exclude_none=True, by_alias=True)


def _load_json(text: str | bytes) -> object:
    def refuse(field: str, message: str) -> InvalidContent:
        return InvalidContent("passport content is not valid JSON", errors=[{"field": field, "message": message}])

    try:
        raw = text.encode("utf-8") if isinstance(text, str) else text
        if len(raw) > MAX_CONTENT_BYTES:
            raise refuse(_ROOT, f"must be at most {MAX_CONTENT_BYTES} bytes")
        # RFC 8259 s.8.1: JSON exchanged between systems is UTF-8 (and a byte order mark is refused below).
        decoded = raw.decode("utf-8")
    except UnicodeError:
        raise refuse(_ROOT, "must be UTF-8 text") from None
    try:
        return json.loads(decoded, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            message = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        else:
            message = str(exc)
        raise refuse(_ROOT, f"not valid JSON: {message}") from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # RFC 7493 (I-JSON) s.2.3: duplicate names are refused, since parsers disagree about which one wins.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("an object has a duplicate key")
    return obj


def _no_constant(name: str) -> object:
    # RFC 8259 s.6: NaN and Infinity are not JSON.
    raise ValueError("NaN and Infinity are not JSON")


def describe_errors(errors: Sequence[ErrorDetails], data: object) -> list[dict[str, str]]:
    """Validation errors as ``{"field", "message"}`` pairs that name the rule and never the input.

    For errors pydantic reported elsewhere (a request body validated by the API): ``data`` is what was sent.
    """
    return _describe(list(errors), data)


def _describe(errors: list[ErrorDetails], data: object) -> list[dict[str, str]]:
    described: list[dict[str, str]] = []
    for error in errors:
        path = _data_path(error["loc"], data)
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, _FieldRuleError):
            described += [{"field": _dotted(path + sub), "message": m} for sub, m in cause.problems]
        elif path and path[-1] == "[key]":
            described.append({"field": _dotted(path[:-1]), "message": f"not an allowed key: {_message(error)}"})
        else:
            described.append({"field": _dotted(path), "message": _message(error)})
    if len(described) > _MAX_REPORTED_ERRORS:
        more = len(described) - _MAX_REPORTED_ERRORS
        described = [
            *described[:_MAX_REPORTED_ERRORS],
            {"field": _ROOT, "message": f"and {more} more problems"},
        ]
    return described


def _summary(errors: list[dict[str, str]]) -> str:
    fields = list(dict.fromkeys(e["field"] for e in errors))
    shown = ", ".join(fields[:_FIELDS_IN_SUMMARY])
    more = f" and {len(fields) - _FIELDS_IN_SUMMARY} more" if len(fields) > _FIELDS_IN_SUMMARY else ""
    return f"passport content is not valid at {shown}{more}"


def _data_path(loc: tuple[str | int, ...], data: object) -> FieldPath:
    """An error's location as a path into the data, less pydantic's union tags (``nhs``, ``legacy_facs``)."""
    path: list[str | int] = []
    node: object = data
    tagged: object = None  # the object whose tag was just skipped: a tag comes once, before its fields
    for part in loc:
        if node is not tagged and isinstance(node, Mapping) and any(node.get(d) == part for d in _DISCRIMINATORS):
            tagged = node
            continue
        path.append(part)
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path)


def _message(error: ErrorDetails) -> str:
    """A message for one error that names the rule and never the input (the input is health data)."""
    ctx = error.get("ctx", {})
    cause = ctx.get("error")
    if error["type"] == "value_error" and isinstance(cause, ValueError):
        return str(cause)  # our own validators' messages, which never contain the value
    if error["type"] == "union_tag_invalid":
        return f"{ctx['discriminator']} must be one of {ctx['expected_tags']}"  # pydantic's text repeats the tag
    if error["type"] in ("too_long", "too_short"):
        bound = "at most" if error["type"] == "too_long" else "at least"
        limit = ctx.get("max_length" if error["type"] == "too_long" else "min_length")
        return f"must have {bound} {limit} items"
    return error["msg"]


_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _dotted(path: FieldPath) -> str:
    return ".".join(_part(p) for p in path) if path else _ROOT


def _part(part: str | int) -> str:
    if isinstance(part, int):
        return str(part)
    # A key the sender made up is shown only if it looks like a field name: a made-up key can carry a value.
    return part if _FIELD_NAME.fullmatch(part) else "(a field not in the passport)"
