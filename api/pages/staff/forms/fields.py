"""Staff forms as data: their fields, the values a browser sent, and content errors mapped back onto fields.

One template (``staff_form.html``) draws any form from a tuple of :class:`Field` and :class:`Group`, so every
form gets the same labels, hints (``aria-describedby``), fieldsets with legends, and error messages. The same
values dict fills a form when it is first shown, after a mistake, and after a lost race, so what staff typed
is never lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.datastructures import FormData

from schemas.errors import InvalidContent

FieldKind = Literal["text", "textarea", "date", "select", "radios", "checkbox", "checkboxes", "lines", "hidden"]
Values = dict[str, str | list[str]]
"""What a form holds: one string a field, or a list of strings for a group of checkboxes."""

YES_NO = (("yes", "Yes"), ("no", "No"))
_MISSING = "Field required"  # pydantic's message for a required field that was left out


@dataclass(frozen=True)
class Field:
    """One control: its name (also its path inside the item it edits), label, kind and choices."""

    name: str
    label: str
    kind: FieldKind = "text"
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    optional: bool = False
    short: bool = False
    # Words only a screen reader hears, after the label, to tell apart fields that look alike on screen.
    hidden_label: str = ""
    optional_text: str = "(optional)"  # after the label of an optional field ("" when the label says it)
    folded: bool = False  # a long group of choices, folded away (in <details>) until opened or chosen from

    @property
    def columns(self) -> bool:
        """Whether a group of short choices is laid out in columns (long lists of short labels)."""
        return self.kind == "checkboxes" and len(self.options) > 6 and all(len(t) < 32 for _, t in self.options)

    @property
    def id(self) -> str:
        """The element id (and the fragment an error summary links to)."""
        return "f-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    @property
    def target(self) -> str:
        """Where an error about this field sends the focus: the field, or the first of its choices."""
        return f"{self.id}-1" if self.kind in ("radios", "checkboxes") else self.id

    @property
    def grouped(self) -> bool:
        """Whether the field is a group of choices, drawn as a fieldset with a legend."""
        return self.kind in ("radios", "checkboxes")


@dataclass(frozen=True)
class Group:
    """Fields that belong together, drawn as a fieldset with a legend (or, ``boxed``, as a box without one, for
    a field that is already a fieldset and the field that follows it)."""

    legend: str
    fields: tuple[Field, ...]
    hint: str = ""
    name: str = ""
    boxed: bool = False
    heading: bool = False  # a boxed group's legend, shown as a heading

    @property
    def id(self) -> str:
        """The fieldset's id."""
        return "g-" + re.sub(r"[^a-z0-9]+", "-", (self.name or self.legend).lower()).strip("-")


Part = Field | Group


@dataclass(frozen=True)
class SectionForm:
    """How one section of the passport is edited: its form, and the way between stored content and form values.

    A list section (``letter`` set: needs, equipment, ...) is edited an item at a time and its new items get ids
    made of the letter and the next free number (``n6``); any other section is one form for the whole section.
    """

    section: str
    title: str
    one: str  # one item, without an article: "need", "item of equipment"
    parts: Callable[[Mapping[str, Any], Values], tuple[Part, ...]]  # (the whole content, the values shown)
    describe: Callable[[Mapping[str, Any]], str]  # one line naming an item, for lists and "what changed"
    # The way between a stored item (or section) and form values, where it is not field for field by kind
    # (see ``values_of`` and ``build``).
    to_values: Callable[[Mapping[str, Any]], Values] | None = None
    from_values: Callable[[Values], dict[str, Any]] | None = None
    letter: str = ""
    recorded: bool = False  # items carry recorded_at and recorded_by
    defaults: Values = field(default_factory=dict)  # a new item's form
    # Paths in the built item that are not field names (identifiers.0.value -> noms), for error messages.
    renames: Callable[[Values], dict[str, str]] = lambda values: {}
    # Rules across fields said in staff's words before the schema says them in its own: field -> what to say.
    check: Callable[[Values], dict[str, str]] = lambda values: {}

    def values_of(self, stored: Mapping[str, Any]) -> Values:
        """A stored item (or section) as its form shows it."""
        if self.to_values is not None:
            return self.to_values(stored)
        return {f.name: _shown(f, stored.get(f.name)) for f in fields_of(self.parts({}, {}))}

    def build(self, values: Values) -> dict[str, Any]:
        """Form values as the item (or section) they make, without id or recorded_*; a blank optional field is
        left out."""
        if self.from_values is not None:
            return self.from_values(values)
        return compact({f.name: _read(f, values) for f in fields_of(self.parts({}, {}))})

    @property
    def noun(self) -> str:
        """One item with its article: "a need", "an item of equipment"."""
        return f"{'an' if self.one[:1] in 'aeiou' else 'a'} {self.one}"

    def named(self, item: Mapping[str, Any]) -> str:
        """An item as pages name it, by what it is and never by its id: "Need: Mobility: Uses a wheelchair"."""
        return f"{self.one[:1].upper()}{self.one[1:]}: {self.describe(item)}"

    @property
    def is_list(self) -> bool:
        """Whether the section is a list of items."""
        return bool(self.letter)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form: the element to link to, and what to say."""

    target: str
    text: str


@dataclass
class Checked:
    """The problems found in a form, listed for the error summary and by field for the inline messages."""

    problems: list[Problem] = field(default_factory=list)
    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, f: Field, said: str) -> None:
        """A problem with one field (only the first said of each field is kept)."""
        if f.name not in self.by_field:
            self.by_field[f.name] = said
            label = f"{f.label} {f.hidden_label}".strip()
            self.problems.append(Problem(f.target, f"{label}: {said}"))


def check_required(
    values: Mapping[str, object], parts: Iterable[Part], rules: Mapping[str, str] | None = None
) -> Checked:
    """Every field that must be filled in and was left blank, and the problems ``rules`` name (field -> what to
    say), before the content is checked as a whole."""
    checked = Checked()
    for f in fields_of(parts):
        if not f.optional and f.kind not in ("hidden", "checkbox", "checkboxes") and not text(values, f.name):
            checked.add(f, _said(f, _MISSING))
        elif rules and f.name in rules:
            checked.add(f, rules[f.name])
    return checked


def fields_of(parts: Iterable[Part]) -> Iterator[Field]:
    """Every field of a form, groups opened, in order."""
    for part in parts:
        if isinstance(part, Group):
            yield from part.fields
        else:
            yield part


def first_target(parts: Iterable[Part]) -> str:
    """Where "go to the form" sends the focus: the first field that can be seen."""
    return next((f.target for f in fields_of(parts) if f.kind != "hidden"), "main")


def read_values(form: FormData, parts: Iterable[Part]) -> Values:
    """The values of a form's own fields from what the browser sent (anything else is ignored)."""
    values: Values = {}
    for f in fields_of(parts):
        if f.kind == "checkboxes":
            values[f.name] = [v for v in form.getlist(f.name) if isinstance(v, str)]
        else:
            sent = form.get(f.name)
            values[f.name] = sent if isinstance(sent, str) else ""
    return values


def text(values: Mapping[str, object], name: str) -> str | None:
    """A text field, trimmed; ``None`` when left blank (an optional field is then left out)."""
    value = values.get(name)
    return value.strip() or None if isinstance(value, str) else None


def flag(values: Mapping[str, object], name: str) -> bool:
    """A single checkbox: ticked or not."""
    return values.get(name) == "yes"


def yes_no(values: Mapping[str, object], name: str) -> bool | None:
    """Radios of Yes and No; ``None`` when neither was chosen."""
    value = values.get(name)
    return True if value == "yes" else False if value == "no" else None


def lines(values: Mapping[str, object], name: str) -> list[str]:
    """A box with one entry a line: the non-blank lines, trimmed."""
    value = values.get(name)
    return [line.strip() for line in value.splitlines() if line.strip()] if isinstance(value, str) else []


def chosen(values: Mapping[str, object], name: str) -> list[str]:
    """The ticked boxes of a group of checkboxes."""
    value = values.get(name)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def as_text(value: object) -> str:
    """A stored value as a text field shows it."""
    return "" if value is None else str(value)


def as_yes_no(value: object) -> str:
    """A stored boolean as Yes/No radios show it."""
    return "yes" if value is True else "no" if value is False else ""


def _shown(f: Field, stored: object) -> str | list[str]:
    """A stored value as the field of its kind shows it."""
    if f.kind == "radios" and f.options == YES_NO:
        return as_yes_no(stored)
    if f.kind == "lines":
        return "\n".join(str(line) for line in stored) if isinstance(stored, list) else ""
    if f.kind == "checkboxes":
        return [str(v) for v in stored] if isinstance(stored, list) else []
    return as_text(stored)


def _read(f: Field, values: Mapping[str, object]) -> object:
    """A field's value as the content stores it."""
    if f.kind == "radios" and f.options == YES_NO:
        return yes_no(values, f.name)
    if f.kind == "lines":
        return lines(values, f.name)
    if f.kind == "checkboxes":
        return chosen(values, f.name)
    return text(values, f.name)


def compact(data: Mapping[str, Any]) -> dict[str, Any]:
    """A dict without its ``None`` values, so that a blank optional field is left out, not sent as null."""
    return {k: v for k, v in data.items() if v is not None}


def check_content_error(
    error: InvalidContent,
    parts: Iterable[Part],
    *,
    prefix: str,
    renames: Mapping[str, str] | None = None,
    section_title: Callable[[str], str] = str,
    checked: Checked | None = None,
) -> Checked:
    """Each of ``error.errors`` as a problem linked to the field it is about, added to ``checked``.

    ``prefix`` is where the form's values sit in the content (``needs.5``; empty for the whole content);
    ``renames`` maps paths under it that differ from field names (``identifiers.0`` -> ``noms``). A problem
    elsewhere in the passport is named by its section and linked to the form's first field.
    """
    fields = {f.name: f for f in fields_of(parts)}
    first = next(iter(fields.values()), None)
    checked = checked or Checked()
    for entry in error.errors or []:
        path, message = str(entry.get("field", "")), str(entry.get("message", "is not right"))
        found = _field_for(path, prefix, fields, renames or {})
        if found is not None:
            checked.add(found, _said(found, message))
        else:
            where = section_title(path.split(".", 1)[0])
            checked.problems.append(Problem(first.target if first else "main", f"{where}: {_plain(message)}"))
    if not checked.problems:
        checked.problems.append(Problem(first.target if first else "main", _plain(error.detail.capitalize())))
    return checked


def _field_for(path: str, prefix: str, fields: Mapping[str, Field], renames: Mapping[str, str]) -> Field | None:
    if prefix and path != prefix and not path.startswith(prefix + "."):
        return None
    tail = path[len(prefix) + 1 :] if prefix else path
    for old in sorted(renames, key=len, reverse=True):
        if tail == old or tail.startswith(old + "."):
            tail = renames[old] + tail[len(old) :]
            break
    parts = tail.split(".")
    # The longest leading part of the path that names a field: needs.5.given_names.2 -> given_names.
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in fields:
            return fields[name]
    return None


def _said(f: Field, message: str) -> str:
    if message == _MISSING:
        return "choose one." if f.kind in ("select", "radios") else "fill this in."
    return _plain(message)


def _plain(message: str) -> str:
    return message if message.endswith(".") else message + "."
