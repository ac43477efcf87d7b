"""The staff pages for a young person (the children and young people's secure estate) and a release plan, without a
browser: a child-in-need assessment by a council chosen by name, consent given by someone with parental
responsibility, the Care Act s.58 transition flag, and the release plan's type, contact and council."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.pages.me import easy_read
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.consent import consent_values
from api.pages.staff.forms.fields import fields_of
from schemas import parse_content
from tests.conftest import LiveServer, reference_passport, start_server

TODAY = date.today()
# 16 and a half: under 18 for any consent recorded today, 18 in about 18 months.
BORN = TODAY - timedelta(days=round(16.5 * 365.25))
LIVERPOOL = "la:E08000012"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """HMP Wymott on SQLite."""
    found = start_server(tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}")
    yield found
    found.stop()


def young_person(born: date = BORN, release: date | None = None) -> dict[str, Any]:
    """The reference passport for a young person born on ``born``, released on ``release`` if given."""
    content = reference_passport()
    content["subject"]["date_of_birth"] = born.isoformat()
    content["consent"]["recorded_at"] = max(born + timedelta(days=1), date(2025, 5, 2)).isoformat()
    content["eligibility"] = []  # the reference's Care Act decision is an adult's
    if release is not None:
        content["release_plan"]["expected_date"] = release.isoformat()
    return content


def create(server: LiveServer, content: dict[str, Any]) -> str:
    response = server.client(server.token("care_staff")).post("/v1/passports", json=content)
    assert response.status_code == 201, response.text
    return str(response.json()["pid"])


def current(server: LiveServer, pid: str) -> dict[str, Any]:
    """The passport as the API reads it back (its version and content)."""
    found: dict[str, Any] = server.client(server.token("care_staff")).get(f"/v1/passports/{pid}").json()
    return found


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def text_of(page: str) -> str:
    """A page's words, tags and runs of space taken out."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def post(client: httpx.Client, path: str, data: dict[str, Any]) -> httpx.Response:
    return client.post(path, data={**data, "csrf": csrf_of(client.get("/staff").text)})


CHILD_IN_NEED = {
    "scheme": "england_children_act_1989",
    "assessed_by": LIVERPOOL,
    "assessed_on": (TODAY - timedelta(days=30)).isoformat(),
    "child_in_need": "yes",
    "plan_summary": "A key worker; speech and language therapy.",
    "ver": "1",
}


def test_a_child_in_need_assessment_is_recorded_with_its_council_chosen_by_name(server: LiveServer) -> None:
    pid = create(server, young_person())
    client = server.signed_in()
    path = f"/staff/passports/{pid}/eligibility/add"
    form = client.get(f"{path}?scheme=england_children_act_1989").text
    assert "Is the young person a child in need?" in form
    assert f'<option value="{LIVERPOOL}">Liverpool City Council</option>' in form
    assert "Under 18: child in need" in client.get(f"/staff/passports/{pid}/eligibility").text  # offered to add

    # Not in need, with a plan typed: refused in staff's words, the plan kept as typed, nothing saved.
    refused = post(client, f"{path}?scheme=england_children_act_1989", {**CHILD_IN_NEED, "child_in_need": "no"})
    assert refused.status_code == 422
    assert "leave this blank when they are not a child in need" in refused.text
    assert "A key worker; speech and language therapy." in refused.text
    # Assessed as a child on or after their 18th birthday: refused on the date's field.
    adult_on = BORN.replace(year=BORN.year + 18).isoformat()
    late = post(client, path, {**CHILD_IN_NEED, "assessed_on": adult_on})
    assert late.status_code == 422
    assert '<a href="#f-assessed-on">Date of the assessment: must be before the person turned 18' in late.text
    assert current(server, pid)["ver"] == 1

    saved = post(client, path, CHILD_IN_NEED)
    assert saved.status_code == 303
    (decision,) = current(server, pid)["content"]["eligibility"]
    assert {k: v for k, v in decision.items() if not k.startswith("recorded")} == {
        "id": "el1",
        "scheme": "england_children_act_1989",
        "assessed_by": LIVERPOOL,
        "assessed_on": CHILD_IN_NEED["assessed_on"],
        "child_in_need": True,
        "plan_summary": "A key worker; speech and language therapy.",
    }
    shown = text_of(client.get(f"/staff/passports/{pid}").text)
    assert "Under 18: child in need (Children Act 1989, section 17): a child in need" in shown
    assert "Council that assessed them Liverpool City Council" in shown
    assert "The child in need plan, in short A key worker; speech and language therapy." in shown


def consent_form(server: LiveServer, pid: str, **changes: str) -> dict[str, Any]:
    values: dict[str, Any] = {**consent_values(current(server, pid)["content"]), "how": "signed", "ver": "1"}
    return values | changes


def test_consent_given_by_someone_with_parental_responsibility_is_named_and_shown(server: LiveServer) -> None:
    pid = create(server, young_person())
    client = server.signed_in()
    path = f"/staff/passports/{pid}/consent"
    assert "Someone with parental responsibility (the person is under 18)" in client.get(path).text

    unnamed = post(client, path, consent_form(server, pid, given_by="parental_responsibility"))
    assert unnamed.status_code == 422
    assert "Name and role of the person with parental responsibility: give their name and role" in unnamed.text
    assert current(server, pid)["ver"] == 1

    named = consent_form(server, pid, given_by="parental_responsibility", given_by_name="Sam Jones, mother")
    assert post(client, path, named).status_code == 303
    consent = current(server, pid)["content"]["consent"]
    assert (consent["given_by"], consent["given_by_name"]) == ("parental_responsibility", "Sam Jones, mother")
    expected = "Given for them by Sam Jones, mother, who has parental responsibility (they are under 18)."
    assert expected in text_of(client.get(f"/staff/passports/{pid}").text)
    assert expected in text_of(client.get(f"/staff/passports/{pid}/print").text)
    again = client.get(path).text  # the form shows what was recorded
    assert re.search(r'value="parental_responsibility"\s+checked', again) and 'value="Sam Jones, mother"' in again


def test_an_adult_cannot_have_consent_given_by_parental_responsibility(server: LiveServer) -> None:
    pid = create(server, reference_passport())  # born 1949
    client = server.signed_in()
    sent = consent_form(server, pid, given_by="parental_responsibility", given_by_name="Sam Jones, mother")
    refused = post(client, f"/staff/passports/{pid}/consent", sent)
    assert refused.status_code == 422
    assert "Who gave consent: can be parental_responsibility only while the person is under 18" in refused.text
    assert 'value="Sam Jones, mother"' in refused.text and current(server, pid)["ver"] == 1
    assert post(client, f"/staff/passports/{pid}/consent", {**sent, "given_by": "person"}).status_code == 422
    given = {**sent, "given_by": "person", "given_by_name": ""}
    assert post(client, f"/staff/passports/{pid}/consent", given).status_code == 303
    assert current(server, pid)["content"]["consent"]["given_by"] == "person"
    assert "Given by the person." in text_of(client.get(f"/staff/passports/{pid}").text)


def test_the_transition_assessment_is_flagged_when_they_turn_18_around_release(server: LiveServer) -> None:
    """Turning 18 within six months after release: flagged on the page and its print; an adult never is."""
    release = TODAY + timedelta(days=60)
    born = release + timedelta(days=100)
    born = born.replace(year=born.year - 18)
    pid = create(server, young_person(born, release))
    client = server.signed_in()
    shown = text_of(client.get(f"/staff/passports/{pid}").text)
    assert "Transition assessment needed: turns 18 around release" in shown
    assert "must do a transition assessment (Care Act 2014, section 58)" in shown
    assert "Transition assessment needed" in client.get(f"/staff/passports/{pid}/print").text
    later_born = release + timedelta(days=400)  # 18 more than six months after release: not flagged
    later_born = later_born.replace(year=later_born.year - 18)
    later = create(server, young_person(later_born, release) | {"subject": _other(later_born, 1)})
    assert "Transition assessment needed" not in client.get(f"/staff/passports/{later}").text
    adult = create(server, reference_passport() | {"subject": _other(date(1949, 4, 17), 2)})
    assert "Transition assessment needed" not in client.get(f"/staff/passports/{adult}").text


def _other(born: date, number: int) -> dict[str, Any]:
    """Another person's subject (not the same person twice), born on ``born``."""
    subject: dict[str, Any] = reference_passport()["subject"]
    return subject | {
        "identifiers": [{"system": "noms", "value": f"A{number}821KD"}],
        "family_name": f"Other{number}",
        "date_of_birth": born.isoformat(),
    }


def release_form(server: LiveServer, pid: str, **changes: str) -> dict[str, Any]:
    form = FORMS["release_plan"]
    return {**form.values_of(current(server, pid)["content"]["release_plan"]), "ver": "1"} | changes


def test_the_release_plan_takes_its_type_contact_and_council_by_name(server: LiveServer) -> None:
    pid = create(server, reference_passport())
    client = server.signed_in()
    path = f"/staff/passports/{pid}/release_plan"
    form = client.get(path).text
    assert re.search(r'value=""\s+checked>\s*<label[^>]*>Not decided yet', form)  # no type recorded yet
    assert "Home detention curfew (tag)" in form
    assert f'<option value="{LIVERPOOL}" selected>Liverpool City Council</option>' in form
    assert "la:E08000012" not in text_of(form)  # chosen by name, never typed as a code

    for field, wrong, said in (
        ("release_type", "early", "Type of release: "),
        ("destination_authority", "prison:WYI", "Council they are going to: "),
        ("contact", "x" * 201, "Who the council should contact here: "),
    ):
        refused = post(client, path, release_form(server, pid, **{field: wrong}))
        assert refused.status_code == 422, field
        assert said in text_of(refused.text), field
    assert current(server, pid)["ver"] == 1

    chosen = {"release_type": "home_detention_curfew", "destination_authority": "la:E08000025"}
    sent = release_form(server, pid, **chosen, contact="Offender management unit, 01695 555 000")
    assert post(client, path, sent).status_code == 303
    plan = current(server, pid)["content"]["release_plan"]
    assert plan["release_type"] == "home_detention_curfew" and plan["destination_authority"] == "la:E08000025"
    assert plan["contact"] == "Offender management unit, 01695 555 000"
    shown = text_of(client.get(f"/staff/passports/{pid}").text)
    assert "Type of release Home detention curfew (tag)" in shown
    assert "Council they are going to Birmingham City Council" in shown
    assert "Who the council should contact here Offender management unit, 01695 555 000" in shown

    undecided = release_form(server, pid, release_type="", ver="2")
    assert post(client, path, undecided).status_code == 303
    assert "release_type" not in current(server, pid)["content"]["release_plan"]


def test_a_council_the_directory_does_not_list_is_kept_and_shown() -> None:
    """A stored council missing from the directory stays a choice, so that saving the form keeps it."""
    form = FORMS["release_plan"]
    content = {"release_plan": {"destination_authority": "la:E09999999"}}
    (council,) = [f for f in fields_of(form.parts(content, {})) if f.name == "destination_authority"]
    assert ("la:E09999999", "a council (la:E09999999)") in council.options
    assert form.build(form.values_of(content["release_plan"]))["destination_authority"] == "la:E09999999"


def test_the_persons_own_page_says_what_a_child_in_need_assessment_found() -> None:
    """In the first person, never an adult's band or outcomes (an assessment of a child has neither)."""
    found = {k: v for k, v in CHILD_IN_NEED.items() if k != "ver"} | {"child_in_need": True}
    content = parse_content(young_person() | {"eligibility": [found]})
    assert easy_read.eligibility_found(content.eligibility[0]) == (
        "They found I am a child in need. This means the council helps me while I am under 18.",
        [],
    )
    not_in_need = {k: v for k, v in found.items() if k != "plan_summary"} | {"child_in_need": False}
    content = parse_content(young_person() | {"eligibility": [not_in_need]})
    assert easy_read.eligibility_found(content.eligibility[0]) == ("They found I am not a child in need.", [])
