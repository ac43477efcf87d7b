"""Two staff editing at once: the three-way merge of a form's fields, and what the pages do with it (a clash-free
merge saved at once with both people's changes, a clash shown field by field, a removed or changed item)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.pages.staff.forms import FORMS
from api.pages.staff.forms.consent import consent_parts, consent_values
from api.pages.staff.forms.fields import Values
from api.pages.staff.merge import BLANK, merge
from tests.conftest import LiveServer, reference_passport, start_server

NEEDS = FORMS["needs"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """HMP Wymott on SQLite."""
    found = start_server(tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}")
    yield found
    found.stop()


def _need(content: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in content["needs"] if n["id"] == ref)
    return found


def test_each_field_keeps_whoever_changed_it_and_clashes_only_when_both_did() -> None:
    """Only theirs: theirs kept. Only mine: mine. Both alike: agreed. Both different: a clash, said in words."""
    parts = NEEDS.parts(reference_passport(), {})
    base = {
        "domain": "personal_care",
        "status": "active",
        "summary": "Help to wash.",
        "how_met": "",
        "source_assessment": "",
    }
    theirs: Values = {
        **base,
        "how_met": "Carer each morning.",
        "status": "resolved",
        "summary": "Help to wash and dress.",
    }
    mine: Values = {**base, "domain": "mobility", "status": "resolved", "summary": "Help to wash, dress and shave."}
    merged = merge(parts, base=base, theirs=theirs, mine=mine)
    assert merged.values == {**mine, "how_met": "Carer each morning."}
    assert merged.kept == ("How it is met",)
    [clash] = merged.clashes
    assert clash.field.name == "summary"
    assert (clash.was, clash.theirs, clash.mine) == (
        "Help to wash.",
        "Help to wash and dress.",
        "Help to wash, dress and shave.",
    )


def test_a_form_sent_back_untouched_is_no_change() -> None:
    """A browser's CRLF line endings, trailing spaces and another order of ticked boxes are not changes, so the
    colleague's value is kept; a choice is shown by its label and a blank as blank."""
    need_parts = FORMS["needs"].parts(reference_passport(), {})
    base: Values = {"summary": "Line one\nline two", "domain": "mobility", "how_met": ""}
    mine: Values = {"summary": "Line one\r\nline two  ", "domain": "mobility", "how_met": ""}
    theirs: Values = {"summary": "Line one", "domain": "sensory", "how_met": ""}
    merged = merge(need_parts, base=base, theirs=theirs, mine=mine)
    assert not merged.clashes and merged.values["summary"] == "Line one" and merged.values["domain"] == "sensory"
    clash = merge(need_parts, base=base, theirs=theirs, mine={**mine, "domain": "", "summary": "x"}).by_field
    assert (clash["domain"].was, clash["domain"].theirs, clash["domain"].mine) == (
        "Mobility",
        "Sight or hearing",
        BLANK,
    )

    content = reference_passport()
    base_consent = consent_values(content)
    reordered = {**base_consent, "permit.health": list(reversed(base_consent["permit.health"]))}
    assert not merge(consent_parts(content), base=base_consent, theirs=base_consent, mine=reordered).kept


def test_every_form_merged_with_itself_changes_nothing() -> None:
    """For every item of every section of the reference passport: the form as first shown, sent back untouched
    onto a colleague's change of each field in turn, keeps exactly that change and clashes with nothing."""
    content = reference_passport()
    for section, form in FORMS.items():
        stored = content.get(section)
        for item in stored if isinstance(stored, list) else [stored] if stored else []:
            shown = form.values_of(item)
            parts = form.parts(content, shown)
            untouched = merge(parts, base=shown, theirs=shown, mine=dict(shown))
            assert untouched.values == shown and not untouched.clashes and not untouched.kept, section
            for name, value in shown.items():
                if isinstance(value, str) and value:
                    theirs = {**shown, name: ""}
                    merged = merge(parts, base=shown, theirs=theirs, mine=dict(shown))
                    assert not merged.clashes and merged.values[name] == "", (section, name)


class Desk:
    """One member of staff at their screen: a signed-in client, and the forms they have open."""

    def __init__(self, server: LiveServer) -> None:
        self.client = server.signed_in()
        self.csrf = _csrf(self.client.get("/staff").text)

    def post(self, path: str, ver: int, values: dict[str, Any]) -> httpx.Response:
        """Send a form as the browser would, based on version ``ver``."""
        return self.client.post(path, data={"csrf": self.csrf, "ver": str(ver), **values})


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def _current(server: LiveServer, pid: str) -> dict[str, Any]:
    with server.client(server.token("care_staff")) as client:
        found: dict[str, Any] = client.get(f"/v1/passports/{pid}").json()
        return found


def _create(server: LiveServer) -> str:
    with server.client(server.token("care_staff")) as client:
        pid: str = client.post("/v1/passports", json=reference_passport()).json()["pid"]
        return pid


def test_changes_to_different_fields_of_one_need_are_both_saved(server: LiveServer) -> None:
    """A saves how it is met; B, from the same version, says the need is met: B's save merges at once, keeps A's
    change, and says so; nothing A did is put back."""
    pid = _create(server)
    a, b = Desk(server), Desk(server)
    shown = NEEDS.values_of(_need(reference_passport(), "n2"))
    path = f"/staff/passports/{pid}/needs/items/n2"
    assert a.post(path, 1, {**shown, "how_met": "A new self-propelled wheelchair."}).status_code == 303
    saved = b.post(path, 1, {**shown, "status": "resolved"})
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("&merged=yes")
    after = _current(server, pid)
    assert after["ver"] == 3
    need = _need(after["content"], "n2")
    assert need["status"] == "resolved" and need["how_met"] == "A new self-propelled wheelchair."
    page = b.client.get(saved.headers["location"]).text
    assert "A colleague saved a change to this passport while you were editing" in page


def test_the_same_field_changed_twice_is_shown_to_choose(server: LiveServer) -> None:
    """Both change what the need is: 409, the field named as clashing with what it was, what the colleague saved
    and what this person typed, pre-filled with theirs; no item id on the page; nothing saved until they choose;
    their choice is then saved on top, keeping the colleague's other change."""
    pid = _create(server)
    a, b = Desk(server), Desk(server)
    shown = NEEDS.values_of(_need(reference_passport(), "n2"))
    path = f"/staff/passports/{pid}/needs/items/n2"
    a.post(path, 1, {**shown, "summary": "Uses a wheelchair everywhere.", "how_met": "NHS wheelchair."})
    clash = b.post(path, 1, {**shown, "summary": "Uses a wheelchair outside his cell and on the stairs."})
    assert clash.status_code == 409
    page = clash.text
    box = page[page.index('id="f-summary-clash"') :]
    assert "You and a colleague changed the same thing" in page
    assert '<a href="#f-summary">What the need is</a>' in page
    assert box.index(str(shown["summary"])) < box.index("Uses a wheelchair everywhere.") < box.index("on the stairs.")
    assert 'aria-describedby="f-summary-hint f-summary-clash"' in page or 'aria-describedby="f-summary-clash"' in page
    assert re.search(
        r'<textarea id="f-summary"[^>]*>Uses a wheelchair outside his cell and on the stairs\.</textarea>', page
    )
    assert re.search(r'<textarea id="f-how-met"[^>]*>NHS wheelchair\.</textarea>', page)  # the colleague's, kept
    assert 'name="ver" value="2"' in page
    shown_text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    assert not re.search(r"\b[a-z][0-9]\b", shown_text)  # no item ids shown (n2, a2), only what they are
    assert _current(server, pid)["ver"] == 2
    chosen = b.post(
        path, 2, {**shown, "summary": "Uses a wheelchair everywhere but his cell.", "how_met": "NHS wheelchair."}
    )
    assert chosen.status_code == 303
    need = _need(_current(server, pid)["content"], "n2")
    assert need["summary"] == "Uses a wheelchair everywhere but his cell." and need["how_met"] == "NHS wheelchair."


def test_removing_what_a_colleague_just_changed_asks_again(server: LiveServer) -> None:
    """B removes a need A has just changed: 409 with A's change; removing again removes it. Removing a need a
    colleague already removed just says so."""
    pid = _create(server)
    a, b = Desk(server), Desk(server)
    shown = NEEDS.values_of(_need(reference_passport(), "n2"))
    a.post(f"/staff/passports/{pid}/needs/items/n2", 1, {**shown, "status": "resolved"})
    asked = b.post(f"/staff/passports/{pid}/needs/items/n2/remove", 1, {})
    assert asked.status_code == 409
    assert "Removing it throws their change away too" in asked.text and "changed a need" in asked.text
    assert b.post(f"/staff/passports/{pid}/needs/items/n2/remove", 2, {}).status_code == 303
    assert "n2" not in [n["id"] for n in _current(server, pid)["content"]["needs"]]
    gone = a.post(f"/staff/passports/{pid}/needs/items/n2/remove", 2, {})
    assert gone.status_code == 303 and gone.headers["location"].endswith("?saved=gone")


def test_changing_what_a_colleague_removed_offers_to_add_it_back(server: LiveServer) -> None:
    """A removes a need while B changes it: B's form comes back (409) saying so, posting to add it back."""
    pid = _create(server)
    a, b = Desk(server), Desk(server)
    shown = NEEDS.values_of(_need(reference_passport(), "n3"))
    a.post(f"/staff/passports/{pid}/needs/items/n3/remove", 1, {})
    back = b.post(f"/staff/passports/{pid}/needs/items/n3", 1, {**shown, "how_met": "Large print letters."})
    assert back.status_code == 409
    assert "Your colleague removed the need you were changing" in back.text
    assert f'action="/staff/passports/{pid}/needs/add"' in back.text


def test_consent_changes_for_different_audiences_are_both_kept(server: LiveServer) -> None:
    """A lets probation see needs; B, from the same version, keeps an item from health: both hold."""
    pid = _create(server)
    a, b = Desk(server), Desk(server)
    values = consent_values(reference_passport())
    a_values = {**values, "permit.probation": [*values["permit.probation"], "needs"]}
    b_values = {**values, "withhold.health": ["n2"]}
    assert a.post(f"/staff/passports/{pid}/consent", 1, a_values).status_code == 303
    assert b.post(f"/staff/passports/{pid}/consent", 1, b_values).status_code == 303
    audiences = _current(server, pid)["content"]["consent"]["audiences"]
    assert "needs" in audiences["probation"]["permit"] and audiences["health"]["withhold_items"] == ["n2"]
