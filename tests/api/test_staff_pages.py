"""The staff pages without a browser: forms lose nothing, new ids, what changed, errors on fields, words for every
code, and the list's audit row."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
from sqlmodel import col, select

from api.pages.staff.amend import Editor, next_id, same, with_item, with_section, without_item
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.fields import check_content_error, fields_of
from api.pages.staff.forms.person import SUBJECT
from api.pages.staff.race import what_changed
from api.pages.staff.words import CARE_ACT_OUTCOME_WORDS, WORDS
from passport.services.people import open_corrections, request_correction
from passport.services.principals import Principal, create_person_principal
from passport.services.storage import AuditRow, transaction
from schemas import (
    AUDIENCES,
    CARE_ACT_OUTCOMES,
    SECTIONS,
    AssessmentKind,
    Band,
    ConsentGiver,
    ConsentMethod,
    Effectiveness,
    EligibilityScheme,
    EquipmentCategory,
    EquipmentOwner,
    NeedDomain,
    NeedStatus,
    ReleaseType,
    UnableReason,
    WalesOutcomeArea,
    content_to_claims,
    parse_content,
)
from schemas.errors import InvalidContent
from tests.conftest import LiveServer, another_person, reference_passport, start_server

EDITOR = Editor(Principal("p1", "prison:WYI", "care_staff"), now=1_800_000_000)  # 15 January 2027


@pytest.fixture
def reference_claims() -> dict[str, Any]:
    """The reference passport as it is stored (the canonical JSON of its content)."""
    return content_to_claims(parse_content(reference_passport()))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """HMP Wymott on SQLite."""
    found = start_server(tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}")
    yield found
    found.stop()


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("domain", NeedDomain),
        ("need_status", NeedStatus),
        ("equipment_category", EquipmentCategory),
        ("owner", EquipmentOwner),
        ("effectiveness", Effectiveness),
        ("assessment_kind", AssessmentKind),
        ("consent_how", ConsentMethod),
        ("consent_given_by", ConsentGiver),
        ("release_type", ReleaseType),
        ("scheme", EligibilityScheme),
        ("unable_reason", UnableReason),
        ("wales_area", WalesOutcomeArea),
        ("band", Band),
    ],
)
def test_every_code_has_plain_words(kind: str, codes: Any) -> None:
    """No schema code reaches a page as a raw identifier."""
    flat = {c for arg in get_args(codes) for c in (get_args(arg) or (arg,))}
    assert flat == set(WORDS[kind])


def test_audiences_sections_and_outcomes_have_words_in_order() -> None:
    """The ten Care Act outcomes in reg 2(2) order; every audience and section named."""
    assert tuple(CARE_ACT_OUTCOME_WORDS) == CARE_ACT_OUTCOMES
    assert set(AUDIENCES) == set(WORDS["audience"])
    assert set(SECTIONS) == set(WORDS["section"])
    assert set(FORMS) == set(SECTIONS) - {"consent"}


def test_every_form_gives_back_what_it_was_filled_with(reference_claims: dict[str, Any]) -> None:
    """Showing an item in its form and saving it unchanged changes nothing, for every section."""
    for section, form in FORMS.items():
        stored = reference_claims.get(section)
        items = stored if isinstance(stored, list) else [stored] if stored else []
        for item in items:
            assert same(item, form.build(form.values_of(item))), (section, item)
    needs = FORMS["needs"]
    unchanged, _ = with_item(reference_claims, needs, "n1", needs.values_of(reference_claims["needs"][0]), EDITOR)
    assert unchanged == reference_claims  # nor is it stamped as recorded today


def test_new_items_get_the_next_free_id_across_the_passport(reference_claims: dict[str, Any]) -> None:
    """n6 after n1..n5; eligibility's own letters never meet equipment's e."""
    assert [next_id(reference_claims, letter) for letter in ("n", "e", "s", "a", "w", "el", "r")] == [
        "n6",
        "e5",
        "s5",
        "a4",
        "w2",
        "el1",
        "r1",
    ]
    values: dict[str, str | list[str]] = {"domain": "mobility", "status": "active", "summary": "Needs a frame."}
    added, prefix = with_item(reference_claims, FORMS["needs"], None, values, EDITOR)
    assert prefix == "needs.5"
    assert added["needs"][-1] == {
        "id": "n6",
        **values,
        "recorded_at": "2027-01-15",
        "recorded_by": {"org": "prison:WYI", "role": "care_staff"},
    }
    parse_content(added)


def test_an_item_without_an_id_gets_one_when_changed(reference_claims: dict[str, Any]) -> None:
    """The council responsible has no id in the reference; changing it gives it r1 and today's stamp."""
    form = FORMS["responsibility"]
    values = {**form.values_of(reference_claims["responsibility"][0]), "to": "2027-01-01"}
    changed, _ = with_item(reference_claims, form, "~0", values, EDITOR)
    item = changed["responsibility"][0]
    assert item["id"] == "r1" and item["to"] == "2027-01-01" and item["recorded_at"] == "2027-01-15"
    parse_content(changed)


def test_removing_an_item_drops_it_from_consent_too(reference_claims: dict[str, Any]) -> None:
    """n5 is withheld from the card; once removed, consent no longer names it (else the content is invalid)."""
    removed = without_item(reference_claims, "needs", "n5")
    assert "n5" not in [n["id"] for n in removed["needs"]]
    assert removed["consent"]["audiences"]["reception_card"]["withhold_items"] == []
    parse_content(removed)


def test_what_changed_is_said_section_by_section(reference_claims: dict[str, Any]) -> None:
    """Added, changed and removed items by what they are, never by id; a section's changed fields by label."""
    after, _ = with_item(
        reference_claims, FORMS["needs"], None, {"domain": "sensory", "status": "active", "summary": "Glasses."}, EDITOR
    )
    after = without_item(after, "equipment", "e3")
    about = {**FORMS["about_me"].values_of(reference_claims["about_me"]), "what_helps": "Music."}
    after, _ = with_section(after, FORMS["about_me"], about)
    said = [(c.section, c.said) for c in what_changed(reference_claims, after)]
    assert said == [
        ("About me", "changed what helps me"),
        ("Needs", "added a need: Sight or hearing: Glasses."),
        ("Equipment", "removed an item of equipment: Vibrating alarm pager"),
    ]


def test_content_errors_land_on_the_fields_they_are_about() -> None:
    """A bad NHS number is the NHS field's problem, though the schema names identifiers.1.value."""
    values = {**SUBJECT.values_of(reference_passport()["subject"]), "nhs": "1234567890"}
    content = {**reference_passport(), "subject": SUBJECT.build(values)}
    with pytest.raises(InvalidContent) as caught:
        parse_content(content)
    parts = SUBJECT.parts({}, values)
    checked = check_content_error(caught.value, parts, prefix="subject", renames=SUBJECT.renames(values))
    assert list(checked.by_field) == ["nhs"]
    assert checked.problems[0].target == "f-nhs"
    assert checked.problems[0].text.startswith("NHS number: not a valid NHS number")
    assert {f.name for f in fields_of(parts)} >= {"noms", "nhs", "family_name", "date_of_birth"}


def _signed_in(server: LiveServer, role: str = "care_staff") -> httpx.Client:
    return server.signed_in(role)


def test_the_list_is_audited_once_without_what_was_searched_for(server: LiveServer) -> None:
    """One "search" row, no passport id, and not the name typed (it is personal data)."""
    with server.client(server.token("care_staff")) as api:
        assert api.post("/v1/passports", json=reference_passport()).status_code == 201
    client = _signed_in(server)
    listing = client.get("/staff")
    csrf = re.search(r'name="csrf" value="([^"]+)"', listing.text)
    assert csrf is not None
    page = client.post("/staff", data={"q": "whitfield", "csrf": csrf[1]})
    assert page.status_code == 200 and "Whitfield, Arthur James" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Whitfield" not in client.post("/staff", data={"q": "nobody", "csrf": csrf[1]}).text
    assert client.post("/staff", data={"q": "whitfield"}).status_code == 403  # no CSRF token
    with transaction(server.deployment.engine) as session:
        rows = list(session.exec(select(AuditRow).where(AuditRow.action == "search").order_by(col(AuditRow.seq))))
    assert len(rows) == 3 and all(row.pid is None for row in rows)
    assert json.loads(rows[1].detail or "{}") == {"searched": True, "found": 1, "shown": 1}
    assert all("whitfield" not in (row.detail or "").lower() for row in rows)


def test_a_new_passport_with_mistakes_keeps_what_was_typed(server: LiveServer) -> None:
    """Each problem is named and linked to its field; the values come back in the form."""
    client = _signed_in(server)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/passports/new").text)
    assert csrf is not None
    sent = {"csrf": csrf[1], "noms": "A1234BC", "nhs": "123", "family_name": "O'Neill", "language": "en"}
    response = client.post("/staff/passports/new", data=sent)
    assert response.status_code == 422
    assert '<a href="#f-nhs">NHS number: an NHS number is ten digits' in response.text
    assert '<a href="#f-date-of-birth">Date of birth: fill this in.</a>' in response.text
    assert 'value="O&#39;Neill"' in response.text and 'value="A1234BC"' in response.text


def test_the_persons_requests_are_shown_and_marked_as_dealt_with(server: LiveServer) -> None:
    """A correction the person asked for shows in the list and on the passport, until staff mark it dealt with."""
    with server.client(server.token("care_staff")) as api:
        pid = api.post("/v1/passports", json=reference_passport()).json()["pid"]
    with transaction(server.deployment.engine) as session:
        _, person = create_person_principal(session, org="prison:WYI", pid=pid)
        request_correction(session, person=person, text="I stopped using the pager.", section="equipment")
    client = _signed_in(server)
    assert "1 waiting" in client.get("/staff").text
    page = client.get(f"/staff/passports/{pid}").text
    assert "I stopped using the pager." in page
    action = re.search(r'action="(/staff/passports/[^"]+/resolve)"', page)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert action is not None and csrf is not None
    assert client.post(action[1], data={}).status_code == 403  # no CSRF token: refused
    done = client.post(action[1], data={"csrf": csrf[1]})
    assert done.status_code == 303
    assert "I stopped using the pager." not in client.get(f"/staff/passports/{pid}").text
    assert "waiting" not in client.get("/staff").text


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def _new_passport(server: LiveServer, number: int = 0) -> str:
    content = another_person(reference_passport(), number) if number else reference_passport()
    with server.client(server.token("care_staff")) as api:
        pid: str = api.post("/v1/passports", json=content).json()["pid"]
    return pid


def _current(server: LiveServer, pid: str) -> dict[str, Any]:
    with server.client(server.token("care_staff")) as api:
        found: dict[str, Any] = api.get(f"/v1/passports/{pid}").json()
    return found


def _correction(server: LiveServer, pid: str) -> int:
    """A correction the person asked for on ``pid``; its id."""
    with transaction(server.deployment.engine) as session:
        _, person = create_person_principal(session, org="prison:WYI", pid=pid)
        correction = request_correction(session, person=person, text="I stopped using the pager.")
        session.flush()
        assert correction.id is not None
        return correction.id


def _still_open(server: LiveServer, pid: str) -> list[int | None]:
    with transaction(server.deployment.engine) as session:
        return [c.id for c in open_corrections(session, principal=EDITOR.principal, pid=pid)]


def test_a_correction_id_too_big_for_the_database_is_a_page_not_a_crash(server: LiveServer) -> None:
    """20 digits overflow SQLite's integer: refused as a 4xx page before the database is asked; nothing changes."""
    pid = _new_passport(server)
    correction = _correction(server, pid)
    client = _signed_in(server)
    csrf = _csrf(client.get(f"/staff/passports/{pid}").text)
    for wrong in ("99999999999999999999", str(2**31), "0", "-1"):
        response = client.post(f"/staff/passports/{pid}/corrections/{wrong}/resolve", data={"csrf": csrf})
        assert 400 <= response.status_code < 500, (wrong, response.status_code)
        assert response.headers["content-type"].startswith("text/html")
    assert _still_open(server, pid) == [correction]


def test_a_correction_is_resolved_only_through_its_own_passport(server: LiveServer) -> None:
    """Passport A's request, posted through passport B's page, is not found there and stays open."""
    a, b = _new_passport(server), _new_passport(server, 1)
    correction = _correction(server, a)
    client = _signed_in(server)
    csrf = _csrf(client.get(f"/staff/passports/{b}").text)
    response = client.post(f"/staff/passports/{b}/corrections/{correction}/resolve", data={"csrf": csrf})
    assert response.status_code == 404
    assert _still_open(server, a) == [correction]
    done = client.post(f"/staff/passports/{a}/corrections/{correction}/resolve", data={"csrf": csrf})
    assert done.status_code == 303 and _still_open(server, a) == []


def test_a_forged_referral_row_is_ignored_not_a_crash(server: LiveServer) -> None:
    """A row index of 5000 digits (beyond Python's int limit), or in another script's digits, is no row of the
    release plan's form: the plan is saved unchanged."""
    pid = _new_passport(server)
    client = _signed_in(server)
    csrf = _csrf(client.get(f"/staff/passports/{pid}/release_plan").text)
    form = FORMS["release_plan"]
    unchanged = form.values_of(_current(server, pid)["content"]["release_plan"])
    for forged in ("referrals." + "9" * 5000 + ".to", "referrals.\u0663.to", "referrals.1000.to"):
        sent = {**unchanged, "csrf": csrf, "ver": "1", forged: "Adult social care, Bolton"}
        response = client.post(f"/staff/passports/{pid}/release_plan", data=sent)
        assert response.status_code == 303, (forged[:20], response.status_code)
        assert response.headers["location"].endswith("?saved=nothing")
    assert _current(server, pid)["ver"] == 1


def test_an_eligibility_decision_keeps_its_scheme(server: LiveServer) -> None:
    """A forged hidden ``scheme`` cannot turn the England decision into a Scottish one keeping its id (a tagged
    union per scheme, never converted): 400, nothing saved. Sent with its own scheme, it is saved."""
    pid = _new_passport(server)
    client = _signed_in(server)
    path = f"/staff/passports/{pid}/eligibility/items/~0"
    csrf = _csrf(client.get(path).text)
    before = _current(server, pid)["content"]["eligibility"]
    assert before[0]["scheme"] == "england_care_act_2015"
    values = FORMS["eligibility"].values_of(before[0])
    for scheme in ("scotland_nec_2009", "wales_sswb_2015", ""):
        forged = {**values, "csrf": csrf, "ver": "1", "scheme": scheme, "band": "substantial"}
        response = client.post(path, data=forged)
        assert response.status_code == 400, (scheme, response.status_code)
        assert "stays under the scheme it was made under" in response.text
    after = _current(server, pid)
    assert after["ver"] == 1 and after["content"]["eligibility"] == before
    kept = client.post(path, data={**values, "csrf": csrf, "ver": "1"})  # its own scheme: saved (given an id)
    assert kept.status_code == 303
    decision = _current(server, pid)["content"]["eligibility"][0]
    assert decision["id"] == "el1" and decision["scheme"] == "england_care_act_2015"


def test_a_handover_date_is_only_year_month_day(server: LiveServer) -> None:
    """Only YYYY-MM-DD: ``date.fromisoformat`` also takes 20240101 and 2024-W01-1, the form refuses them (and a
    day not on the calendar, and other scripts' digits) naming the field; nothing is saved."""
    pid = _new_passport(server)
    server.trust("prison:RSI", "HMP Risley")
    client = _signed_in(server)
    csrf = _csrf(client.get(f"/staff/passports/{pid}/handover").text)
    for date in ("20240101", "2024-W01-1", "2027-02-30", "\uff12\uff10\uff12\uff17-01-15"):
        sent = {"csrf": csrf, "ver": "1", "to": "prison:RSI", "reason": "transfer", "date": date}
        for step in ("handover", "handover/confirm"):  # the check page, and the press that hands over
            response = client.post(f"/staff/passports/{pid}/{step}", data=sent)
            assert response.status_code == 422, (date, step, response.status_code)
            assert '<a href="#f-date">Date of the move: give a real date' in response.text
    passport = _current(server, pid)
    assert passport["ver"] == 1 and passport["custody"].get("next") is None


def test_a_change_to_what_the_card_shows_asks_for_a_new_card(server: LiveServer) -> None:
    """Renaming equipment that follows the person changes the card's alerts: the saved page says to print a new
    card; a change the card does not show (the equipment's condition) does not ask."""
    pid = _new_passport(server)
    client = _signed_in(server)
    path = f"/staff/passports/{pid}/equipment/items/e1"
    csrf = _csrf(client.get(path).text)
    item = _current(server, pid)["content"]["equipment"][0]
    values = FORMS["equipment"].values_of(item)
    quiet = client.post(path, data={**values, "condition": "worn", "csrf": csrf, "ver": "1"})
    assert quiet.status_code == 303 and "card=reprint" not in quiet.headers["location"]
    assert "print a new card" not in client.get(quiet.headers["location"]).text
    renamed = client.post(
        path, data={**values, "condition": "worn", "item": "Powered wheelchair", "csrf": csrf, "ver": "2"}
    )
    assert renamed.status_code == 303 and renamed.headers["location"].endswith("&card=reprint")
    page = client.get(renamed.headers["location"]).text
    assert "print a new card" in page and f"/staff/passports/{pid}/card/print" in page
