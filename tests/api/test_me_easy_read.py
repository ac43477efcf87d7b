"""The person's easy-read words (api/pages/me/easy_read.py): a line for every kind of need and equipment, staff's
own line first, services said in the right tense, names without brackets, and what each council found."""

from __future__ import annotations

from datetime import date
from typing import Any, get_args

import pytest

from api.pages.me import easy_read
from schemas import Equipment, Need, ScotlandEligibility, Service, parse_content
from schemas.care import EquipmentCategory, NeedDomain
from tests.conftest import reference_passport

BY = {"org": "prison:WYI", "role": "care_staff"}


def test_every_need_domain_and_equipment_kind_has_a_first_person_line_and_a_picture() -> None:
    """No need or equipment falls through to nothing: each is said in the first person, with a picture."""
    assert set(easy_read.NEED_WORDS) == set(get_args(NeedDomain))
    assert set(easy_read.EQUIPMENT_WORDS) == set(get_args(EquipmentCategory))
    for heading, line, picture in easy_read.NEED_WORDS.values():
        assert line.startswith("I ") and line.endswith(".") and heading and picture
    for line, picture in easy_read.EQUIPMENT_WORDS.values():
        assert line.split()[0] in ("I", "This") and picture


def _need(**extra: Any) -> Need:
    fields = {"id": "n1", "domain": "mobility", "status": "active", "summary": "Uses a wheelchair outside his cell."}
    return Need.model_validate({**fields, "recorded_at": "2025-05-02", "recorded_by": BY, **extra})


def test_staff_line_comes_first_else_the_kind_of_need_says_it() -> None:
    """Staff's easy-read line, with a full stop; without one, never the staff's summary turned round."""
    assert easy_read.need_idea(_need(easy_read="I use my wheelchair outside")).line == "I use my wheelchair outside."
    plain = easy_read.need_idea(_need())
    assert (plain.heading, plain.line, plain.by_staff) == ("Moving about", "I need help to move about.", False)
    assert easy_read.need_idea(_need(status="resolved")).line == "I do not need this help now."


@pytest.mark.parametrize(
    ("start", "end", "line"),
    [
        ("2025-05-10", None, "I get this help now."),
        ("2025-05-02", "2025-05-02", "I got this help."),
        ("2027-01-01", None, "I will get this help."),
    ],
)
def test_a_service_is_said_in_the_right_tense(start: str, end: str | None, line: str) -> None:
    """Past, present and future, from the service's dates and today."""
    service = Service.model_validate(
        {
            "id": "s1",
            "service": "Help with showering (HCA)",
            "provider": "Healthcare",
            "start": start,
            "end": end,
            "effectiveness": "effective",
            "recorded_at": "2025-05-02",
            "recorded_by": BY,
        }
    )
    idea = easy_read.service_idea(service, date(2026, 12, 2))
    assert idea.line == line and idea.heading == "Help with showering"


def test_names_lose_their_brackets_and_conditions_read_as_sentences() -> None:
    """ "Hearing aids (both ears)" is "Hearing aids"; a condition is a sentence whatever staff typed."""
    item = Equipment.model_validate(
        {
            "id": "e2",
            "item": "Hearing aids (both ears)",
            "category": "sensory",
            "owner": "person",
            "follows_person": True,
            "condition": "good",
            "recorded_at": "2025-05-02",
            "recorded_by": BY,
        }
    )
    assert easy_read.equipment_idea(item).heading == "Hearing aids"
    assert easy_read.without_brackets("(both ears)") == "(both ears)"  # never an empty name
    assert easy_read.condition_line("Good") == "It is in good condition."
    assert easy_read.condition_line("Needs repair") == "How it is now: needs repair."


def test_what_the_council_found_and_what_is_kept_from_whom() -> None:
    """England's outcomes the person cannot achieve, as a list; Scotland's band as how much help; and the need
    kept from reception, named for the person."""
    content = parse_content(reference_passport())
    sentence, areas = easy_read.eligibility_found(content.eligibility[0])
    assert sentence == "They found I need help with these things:"
    assert areas[:2] == ["eating and drinking", "washing"] and "keeping safe where I live" in areas
    scotland = ScotlandEligibility.model_validate(
        {
            "scheme": "scotland_nec_2009",
            "assessed_by": "la:S12000049",
            "assessed_on": "2025-05-02",
            "eligible": True,
            "band": "substantial",
        }
    )
    assert easy_read.eligibility_found(scotland) == ("They said I need a lot of help.", [])
    assert easy_read.kept_line(content, "n5") == "Reception staff who scan my card cannot see this."
    assert easy_read.kept_line(content, "n1") is None
    assert easy_read.item_names(content)["n5"] == "Memory and thinking"
    assert easy_read.found_needs(content, "a3") == ["memory and thinking"]
