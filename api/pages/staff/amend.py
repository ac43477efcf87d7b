"""Making the next content from the current content and one change: add, change or remove an item, or replace a
section. Pure functions over the content's JSON form; ``parse_content`` checks the result before it is signed.

New items get the next free id made of their section's letter (``n6``), counted over the whole passport because
consent withholds items by id alone. What staff add or change is stamped with today's date and who they are
(their organisation and role), never with a name.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.pages.staff.forms.fields import SectionForm, Values
from passport.services import Principal, StoredVersion, may, today_utc
from schemas.errors import NotFound

_RECORDED = ("recorded_at", "recorded_by")
_POSITION = re.compile(r"^~([0-9]{1,3})$")  # ASCII digits only: \d also matches other scripts' digits


@dataclass(frozen=True)
class Editor:
    """Who is changing a passport, and when."""

    principal: Principal
    now: int

    @property
    def today(self) -> str:
        """Today's date, as the content writes dates."""
        return today_utc(self.now).isoformat()

    @property
    def recorded_by(self) -> dict[str, str]:
        """The ``recorded_by`` of what this editor records: their organisation and role."""
        return {"org": self.principal.org, "role": self.principal.role}


def may_edit(principal: Principal) -> bool:
    """Whether the principal's role may change passports (reception and auditors may not)."""
    return may(principal, "amend")


def custodian(stored: StoredVersion) -> str:
    """The organisation that may sign the next version."""
    return stored.custodian


def item_key(item: Mapping[str, Any], index: int) -> str:
    """How a page names an item: its id, or ``~index`` for the few kinds of item whose id is optional."""
    item_id = item.get("id")
    return item_id if isinstance(item_id, str) else f"~{index}"


def find_item(items: list[dict[str, Any]], ref: str) -> int:
    """The index of the item a page named, or ``not_found`` (someone may have removed it)."""
    position = _POSITION.match(ref)
    if position is not None:
        index = int(position[1])
        if index < len(items) and "id" not in items[index]:
            return index
    for index, item in enumerate(items):
        if item.get("id") == ref:
            return index
    raise NotFound("that item is no longer in this passport; someone may have removed it")


def next_id(content: Mapping[str, Any], letter: str) -> str:
    """The next free id with ``letter``, over every item of the passport: n1..n5 held -> n6."""
    pattern = re.compile(rf"^{re.escape(letter)}(\d+)$")
    numbers = [
        int(m[1])
        for value in content.values()
        if isinstance(value, list)
        for item in value
        if isinstance(item, dict) and isinstance(item.get("id"), str) and (m := pattern.match(item["id"]))
    ]
    return f"{letter}{max(numbers, default=0) + 1}"


def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two items say the same, apart from ids and who recorded them (blank and absent are the same)."""

    def meaning(item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k not in ("id", *_RECORDED) and v not in (None, [], {}, "")}

    return meaning(a) == meaning(b)


def with_item(
    content: Mapping[str, Any], form: SectionForm, ref: str | None, values: Values, editor: Editor
) -> tuple[dict[str, Any], str]:
    """The content with an item added (``ref`` None) or changed; and where the item sits, for error messages."""
    new = copy.deepcopy(dict(content))
    items: list[dict[str, Any]] = new.setdefault(form.section, [])
    built = form.build(values)
    if ref is None:
        item = {"id": next_id(new, form.letter), **built}
        if form.recorded:
            item |= {"recorded_at": editor.today, "recorded_by": editor.recorded_by}
        items.append(item)
        return new, f"{form.section}.{len(items) - 1}"
    index = find_item(items, ref)
    old = items[index]
    # An item without an id gets one when it is changed, so that consent can withhold it from then on.
    item = {"id": old.get("id") or next_id(new, form.letter), **built}
    if same(old, item) and "id" in old:
        item |= {k: old[k] for k in _RECORDED if k in old}
    elif form.recorded:
        item |= {"recorded_at": editor.today, "recorded_by": editor.recorded_by}
    items[index] = item
    return new, f"{form.section}.{index}"


def without_item(content: Mapping[str, Any], section: str, ref: str) -> dict[str, Any]:
    """The content less one item; consent no longer needs to withhold an item that is gone."""
    new = copy.deepcopy(dict(content))
    items: list[dict[str, Any]] = new.get(section, [])
    removed = items.pop(find_item(items, ref))
    gone = removed.get("id")
    for given in new.get("consent", {}).get("audiences", {}).values():
        if gone in given.get("withhold_items", []):
            given["withhold_items"] = [i for i in given["withhold_items"] if i != gone]
    return new


def with_section(content: Mapping[str, Any], form: SectionForm, values: Values) -> tuple[dict[str, Any], str]:
    """The content with one whole section replaced from its form (left out when the form is all blank)."""
    new = copy.deepcopy(dict(content))
    built = form.build(values)
    if any(v not in (None, [], {}, "", False) for v in built.values()):
        new[form.section] = built
    else:
        new.pop(form.section, None)
    return new, form.section
