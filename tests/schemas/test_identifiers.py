"""Identifiers: the check-digit algorithms and the validated identifier and organisation types.

The valid examples were computed by hand (and by a separate script), not by the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from schemas import (
    ChiNumber,
    Identifier,
    LocalAuthorityId,
    NhsNumber,
    NomsNumber,
    OrgId,
    PncNumber,
    RecordedBy,
    mod11_check_digit,
    pnc_check_letter,
)


@pytest.mark.parametrize(
    ("nine", "check"),
    [
        ("943476591", 9),  # the reference passport: 299 mod 11 = 2, 11 - 2 = 9
        ("401023213", 7),  # 92 mod 11 = 4
        ("123456788", 1),
        ("999999999", 9),
        ("100000006", 0),  # 22 mod 11 = 0: 11 becomes 0
        ("100000001", None),  # 12 mod 11 = 1: 10 means no valid number
    ],
)
def test_mod11_check_digit(nine: str, check: int | None) -> None:
    assert mod11_check_digit(nine) == check


@pytest.mark.parametrize(
    "bad", ["12345678", "1234567890", "12345678a", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"]
)
def test_mod11_check_digit_needs_nine_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="nine digits"):
        mod11_check_digit(bad)


@pytest.mark.parametrize(
    ("year", "serial", "letter"),
    [
        ("2011", "0012345", "K"),  # 110012345 mod 23 = 10
        ("11", "0012345", "K"),
        ("11", "12345", "K"),  # the serial is zero-padded to seven digits
        ("98", "1234567", "L"),
        ("1998", "1234567", "L"),
        ("05", "0000001", "B"),
        ("23", "7654321", "N"),
        ("00", "0000000", "Z"),
    ],
)
def test_pnc_check_letter(year: str, serial: str, letter: str) -> None:
    assert pnc_check_letter(year, serial) == letter


@pytest.mark.parametrize(("year", "serial"), [("2011", "00123456"), ("201", "0012345"), ("20x1", "1"), ("11", "")])
def test_pnc_check_letter_refuses_malformed_parts(year: str, serial: str) -> None:
    with pytest.raises(ValueError, match="PNC"):
        pnc_check_letter(year, serial)


def _accepts(annotation: Any, value: object) -> bool:
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("9434765919", True),
        ("4010232137", True),
        ("1234567881", True),
        ("1000000060", True),
        ("9434765918", False),  # wrong check digit
        ("4010232138", False),
        ("1000000010", False),  # check digit would be 10: no such number
        ("943 476 5919", False),  # canonical form has no spaces
        ("943476591", False),
        ("94347659190", False),
        ("943476591X", False),
        (
            "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",
            False,
        ),  # Arabic-Indic digits are digits, but not these
        (9434765919, False),
    ],
)
def test_nhs_number(value: object, valid: bool) -> None:
    assert _accepts(NhsNumber, value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("0101801238", True),
        ("2902001231", True),  # 29 February 2000
        ("3112991230", True),
        ("1505754321", True),
        ("0101801239", False),  # wrong check digit
        ("1505754322", False),
        ("2902011231", False),  # 29 February 1901 and 2001 did not exist
        ("3102991234", False),
        ("0013801238", False),  # month 13
        ("0001801238", False),  # day 00
        ("010180123", False),
        ("01018O1238", False),
    ],
)
def test_chi_number(value: str, valid: bool) -> None:
    assert _accepts(ChiNumber, value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2011/0012345K", True),
        ("11/0012345K", True),
        ("98/1234567L", True),
        ("1998/1234567L", True),
        ("2005/0000001B", True),
        ("2011/0012345L", False),  # wrong check letter
        ("98/1234567M", False),
        ("2011/12345K", False),  # the serial is written with seven digits
        ("2011/0012345k", False),
        ("201/0012345K", False),
        ("2011-0012345K", False),
        ("2011/0012345", False),
    ],
)
def test_pnc_number(value: str, valid: bool) -> None:
    assert _accepts(PncNumber, value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("A4821KD", True),
        ("Z0000AA", True),
        ("a4821kd", False),
        ("A482KD", False),
        ("A48211KD", False),
        ("AA821KD", False),
        ("A4821K1", False),
        ("A4821KD ", False),
        ("A4821KD\n", False),
    ],
)
def test_noms_number(value: str, valid: bool) -> None:
    assert _accepts(NomsNumber, value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("prison:WYI", True),
        ("la:E07000127", True),
        ("la:W06000015", True),
        ("la:S12000036", True),
        ("la:N09000003", True),
        ("health:RW4", True),
        ("health:RR8AB", True),
        ("probation:NE", True),
        ("probation:NPSW", True),
        ("prison:WY", False),
        ("prison:wyi", False),
        ("prison:WYIX", False),
        ("la:E0700012", False),
        ("la:X07000127", False),
        ("health:RW", False),
        ("health:RW4ABC", False),
        ("probation:N", False),
        ("probation:N1", False),
        ("hospital:RW4", False),
        ("WYI", False),
        ("prison:WYI:X", False),
        ("", False),
    ],
)
def test_org_id(value: str, valid: bool) -> None:
    assert _accepts(OrgId, value) is valid


def test_local_authority_id_must_be_an_la() -> None:
    assert _accepts(LocalAuthorityId, "la:E08000012")
    assert not _accepts(LocalAuthorityId, "prison:WYI")
    assert not _accepts(LocalAuthorityId, "la:E0800001")


def test_identifier_is_told_apart_by_system() -> None:
    adapter: TypeAdapter[object] = TypeAdapter(Identifier)
    nhs = adapter.validate_python({"system": "nhs", "value": "9434765919"})
    assert type(nhs).__name__ == "NhsIdentifier"
    with pytest.raises(ValidationError):
        adapter.validate_python({"system": "nhs", "value": "A4821KD"})  # a NOMS number is not an NHS number
    with pytest.raises(ValidationError):
        adapter.validate_python({"system": "passport", "value": "A4821KD"})


def test_recorded_by_needs_a_known_role() -> None:
    assert RecordedBy.model_validate({"org": "prison:WYI", "role": "care_staff"}).role == "care_staff"
    with pytest.raises(ValidationError):
        RecordedBy.model_validate({"org": "prison:WYI", "role": "governor"})
    with pytest.raises(ValidationError):
        RecordedBy.model_validate({"org": "prison:WYI", "role": "care_staff", "name": "J. Smith"})


VALID_ORGS = ("prison:WYI", "la:E08000012", "health:RW4", "probation:NW")
ARABIC_INDIC_ONS = "la:E" + "".join(chr(0x0660 + int(d)) for d in "08000012")


@pytest.mark.parametrize("org", [*VALID_ORGS, ARABIC_INDIC_ONS, "prison:wyi", "la:E0800001", "x:WYI"])
def test_every_body_agrees_on_what_an_organisation_id_is(org: str) -> None:
    """One rule: content (OrgId), API bodies (a handover's ``to``) and the domain accept the same ids, and none
    takes digits of another script (Arabic-Indic digits look like an ONS code to a Unicode ``\\d``)."""
    from schemas import OrgId, is_org_id
    from schemas.api import HandoverIn

    def accepts(check: object) -> bool:
        try:
            check()  # type: ignore[operator]
        except ValidationError:
            return False
        return True

    in_content = accepts(lambda: TypeAdapter(OrgId).validate_python(org))
    in_a_handover = accepts(lambda: HandoverIn.model_validate({"to": org, "reason": "transfer", "date": "2026-12-01"}))
    assert (
        in_content
        == in_a_handover
        == is_org_id(org)
        == (org in ("prison:WYI", "la:E08000012", "health:RW4", "probation:NW"))
    )
