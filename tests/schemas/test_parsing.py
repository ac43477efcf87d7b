"""Parsing JSON text, and privacy: no error repeats the value it refuses."""

from __future__ import annotations

import pytest

from schemas import MAX_CONTENT_BYTES, InvalidContent, parse_content
from tests.schemas.test_content import Mutation, refused, set_field

# JSON text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"\xff\xfe{}", "must be UTF-8 text"),
        ("\ufeff{}", "not valid JSON"),
        ('{"subject": {}, "subject": {}}', "duplicate key"),
        ('{"subject": NaN}', "NaN"),
        ("{", "not valid JSON"),
        ("", "not valid JSON"),
    ],
)
def test_json_text_that_is_refused(text: str | bytes, message: str) -> None:
    with pytest.raises(InvalidContent, match="not valid JSON") as caught:
        parse_content(text)
    assert caught.value.errors[0]["field"] == "(root)"
    assert message in caught.value.errors[0]["message"]


def test_json_text_over_the_size_cap() -> None:
    with pytest.raises(InvalidContent, match="not valid JSON") as caught:
        parse_content(" " * (MAX_CONTENT_BYTES + 1))
    assert caught.value.errors[0]["message"] == f"must be at most {MAX_CONTENT_BYTES} bytes"


@pytest.mark.parametrize("text", ["[]", "null", '"passport"', "3"])
def test_json_that_is_not_an_object(text: str) -> None:
    with pytest.raises(InvalidContent, match=r"\(root\)"):
        parse_content(text)


# Privacy: no message repeats the value refused


SECRET = "Zebedee"


@pytest.mark.parametrize(
    ("mutate", "secret"),
    [
        (set_field("subject.identifiers.0.value", "Q1234ZZZ"), "Q1234ZZZ"),
        (set_field("subject.identifiers.1.value", "9434765918"), "9434765918"),
        (set_field("subject.identifiers.2.value", "2011/0012345L"), "2011/0012345L"),
        (set_field("subject.identifiers.2", {"system": "chi", "value": "0101801239"}), "0101801239"),
        (set_field("needs.0.domain", "alcoholism_zebedee"), "alcoholism_zebedee"),
        (set_field("needs.0.status", f"{SECRET}_status"), f"{SECRET}_status"),
        (set_field("subject.date_of_birth", "17/04/1949"), "17/04/1949"),
        (set_field("subject.date_of_birth", "1949-02-30"), "1949-02-30"),
        (set_field("about_me.summary", f"{SECRET} has HIV. " * 200), f"{SECRET} has HIV"),
        (set_field("about_me.summary", f"{SECRET}\x00"), SECRET),
        (set_field("needs.0.id", f"{SECRET} id"), f"{SECRET} id"),
        (set_field("needs.1.id", "n1"), "n1"),
        (set_field("consent.audiences.reception_card.withhold_items", [f"{SECRET}1"]), f"{SECRET}1"),
        (set_field("assessments.0.by", f"{SECRET} Council"), f"{SECRET} Council"),
        (set_field("communication.bsl", SECRET), SECRET),
        (set_field("subject.language", SECRET), SECRET),
        (set_field("eligibility.0.outcomes.managing_toilet_needs", {"able": SECRET}), SECRET),
    ],
)
def test_no_error_message_contains_the_value(mutate: Mutation, secret: str) -> None:
    error = refused(mutate)
    assert error.errors
    for entry in error.errors:
        assert secret not in entry["message"]
        assert secret not in entry["field"]
    assert secret not in str(error)
    assert secret not in error.diagnostics()
    # The chained pydantic error is kept for debugging; it must not carry the value either.
    assert secret not in str(error.__cause__)


def test_field_paths_leave_out_union_tags_but_keep_fields_named_like_them() -> None:
    error = refused(set_field("subject.identifiers.1.nhs", "x"))
    assert error.errors == [{"field": "subject.identifiers.1.nhs", "message": "Extra inputs are not permitted"}]
    error = refused(set_field("eligibility.0.england_care_act_2015", "x"))
    assert [e["field"] for e in error.errors] == ["eligibility.0.england_care_act_2015"]
