"""Two people edited the same form: a three-way merge of its fields, so that neither loses their work.

``base`` is what the form showed when this person opened it (the version it was based on), ``theirs`` what a
colleague has saved since (the current version), ``mine`` what this person submitted. Field by field: a field
only this person changed takes their value; a field only the colleague changed keeps the colleague's; a field
both changed to the same thing is agreed; a field both changed differently **clashes**, and only the person can
say which is right. Values are compared as the content stores them (blank and absent alike, trailing spaces and
line endings aside, ticked boxes in any order), so a form sent back untouched never counts as a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from api.pages.staff.forms.fields import Field, Part, Values, fields_of

BLANK = "(left blank)"


@dataclass(frozen=True)
class Clash:
    """A field both people changed, differently: what it was, what the colleague saved, what this person typed."""

    field: Field
    was: str
    theirs: str
    mine: str


@dataclass(frozen=True)
class Merged:
    """The form's values after the merge (this person's value where they clash), the clashes, and the labels of
    the fields whose colleague's change was kept."""

    values: Values
    clashes: tuple[Clash, ...]
    kept: tuple[str, ...]

    @property
    def by_field(self) -> dict[str, Clash]:
        """The clashes by field name, for drawing each beside its field."""
        return {clash.field.name: clash for clash in self.clashes}


def merge(parts: Iterable[Part], *, base: Mapping[str, object], theirs: Mapping[str, object], mine: Values) -> Merged:
    """Merge a form's fields three ways (see the module's docstring); fields not on the form are left to the
    content they came from."""
    values: Values = dict(mine)
    clashes: list[Clash] = []
    kept: list[str] = []
    for f in fields_of(parts):
        was, saved, typed = (_comparable(f, v.get(f.name)) for v in (base, theirs, mine))
        if typed == was and saved != was:  # only the colleague changed it: keep theirs
            values[f.name] = _as_value(f, theirs.get(f.name))
            kept.append(f.label)
        elif typed != was and saved != was and typed != saved:
            clashes.append(
                Clash(f, shown(f, base.get(f.name)), shown(f, theirs.get(f.name)), shown(f, mine.get(f.name)))
            )
    return Merged(values, tuple(clashes), tuple(dict.fromkeys(kept)))


def _comparable(f: Field, value: object) -> str | tuple[str, ...]:
    """A value as the content would store it, for comparing."""
    if f.kind == "checkboxes":
        return tuple(sorted(v for v in value if isinstance(v, str))) if isinstance(value, list | tuple) else ()
    text = value if isinstance(value, str) else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if f.kind == "lines":
        return tuple(line.strip() for line in text.split("\n") if line.strip())
    return text.strip()


def _as_value(f: Field, value: object) -> str | list[str]:
    """A value as a form field holds it."""
    if f.kind == "checkboxes":
        return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
    return value if isinstance(value, str) else ""


def shown(f: Field, value: object) -> str:
    """A value in the words the form shows it in: the label of a chosen option, the lines of a box, or that it
    was left blank."""
    compared = _comparable(f, value)
    if f.kind == "checkbox":
        return "Ticked" if compared == "yes" else "Not ticked"
    labels = dict(f.options)
    if isinstance(compared, tuple):
        said = [labels.get(v, v) for v in compared if isinstance(v, str)]
        return "; ".join(said) if said else ("None ticked" if f.kind == "checkboxes" else BLANK)
    if not isinstance(compared, str) or not compared:
        return BLANK
    return labels.get(compared, compared)
