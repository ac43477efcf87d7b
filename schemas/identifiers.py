"""Identifiers of people and organisations, each checked the way its issuing scheme defines it.

People carry tagged identifiers, ``{"system": "nhs", "value": "9434765919"}``: a NOMS prison number, an NHS
number (England and Wales), a CHI number (Scotland) and a PNC number (Police National Computer).
Organisations are named by an :data:`OrgId` such as ``prison:WYI`` or ``la:E07000127``, and every recorded
fact says which organisation recorded it, in which :data:`Role`.

Check-digit failures say which rule failed and never repeat the number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from schemas.primitives import ContentModel

# HMPPS (NOMIS) prison number: one letter, four digits, two letters, e.g. A1234BC.
_NOMS = re.compile(r"[A-Z][0-9]{4}[A-Z]{2}")
_TEN_DIGITS = re.compile(r"[0-9]{10}")
# PNC id as written on police records: year (two or four digits) / seven-digit serial + check letter.
_PNC = re.compile(r"(?P<year>[0-9]{2}|[0-9]{4})/(?P<serial>[0-9]{7})(?P<check>[A-Z])")
# The PNC check-letter alphabet: 23 letters, without I, O and S (easily confused with 1, 0 and 5).
_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_ORG_ID = {
    # NOMIS agency code of an establishment, e.g. WMI (HMP Wymott).
    "prison": re.compile(r"[A-Z]{3}"),
    # ONS Government Statistical Service code of a local authority: E (England), W (Wales), S (Scotland),
    # N (Northern Ireland) + eight digits, e.g. E07000127.
    "la": re.compile(r"[EWSN][0-9]{8}"),
    # NHS ODS organisation code, e.g. RW4.
    "health": re.compile(r"[A-Z0-9]{3,5}"),
    # Probation region or delivery unit code.
    "probation": re.compile(r"[A-Z]{2,4}"),
}


def mod11_check_digit(digits: str) -> int | None:
    """The NHS / CHI modulus 11 check digit of nine digits, or ``None`` when no number can have one.

    Weights 10 down to 2; the remainder is subtracted from 11; 11 becomes 0; 10 means the nine digits are not
    a valid number (NHS Data Dictionary, "NHS Number"; the CHI number uses the same algorithm).
    """
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        raise ValueError("the check digit is computed over exactly nine digits")
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def pnc_check_letter(year: str, serial: str) -> str:
    """The PNC check letter for a year (two or four digits) and a serial number (up to seven digits).

    The last two digits of the year followed by the serial zero-padded to seven digits, read as one integer,
    modulo 23, index the letters ``ZABCDEFGHJKLMNPQRTUVWXY``.
    """
    if len(year) not in (2, 4) or not (year + serial).isascii() or not (year + serial).isdigit():
        raise ValueError("a PNC year is two or four digits and its serial is digits")
    if not 1 <= len(serial) <= 7:
        raise ValueError("a PNC serial is one to seven digits")
    return _PNC_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def _check_noms(value: str) -> str:
    if not _NOMS.fullmatch(value):
        raise ValueError("a NOMS prison number is one letter, four digits and two letters (e.g. A1234BC)")
    return value


def _check_nhs(value: str) -> str:
    if not _TEN_DIGITS.fullmatch(value):
        raise ValueError("an NHS number is ten digits, without spaces")
    if mod11_check_digit(value[:9]) != int(value[9]):
        raise ValueError("not a valid NHS number: the modulus 11 check digit does not match")
    return value


def _is_ddmmyy(prefix: str) -> bool:
    day, month, year = int(prefix[:2]), int(prefix[2:4]), int(prefix[4:])
    # A CHI number does not say its century; the date must exist in one of them (29 February 1900 did not).
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _check_chi(value: str) -> str:
    if not _TEN_DIGITS.fullmatch(value):
        raise ValueError("a CHI number is ten digits, without spaces")
    if not _is_ddmmyy(value[:6]):
        raise ValueError("not a valid CHI number: the first six digits must be a date of birth (DDMMYY)")
    if mod11_check_digit(value[:9]) != int(value[9]):
        raise ValueError("not a valid CHI number: the modulus 11 check digit does not match")
    return value


def _check_pnc(value: str) -> str:
    match = _PNC.fullmatch(value)
    if match is None:
        raise ValueError("a PNC number is written YY/NNNNNNNA or YYYY/NNNNNNNA (e.g. 2011/0012345K)")
    if pnc_check_letter(match["year"], match["serial"]) != match["check"]:
        raise ValueError("not a valid PNC number: the check letter does not match")
    return value


UUID4_REGEX = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
"""A random (version 4) UUID in lower case: a passport id (``pid``), a release notice's id."""

ORG_ID_REGEX = "^(" + "|".join(f"{kind}:{code.pattern}" for kind, code in _ORG_ID.items()) + ")$"
"""Every organisation id, as one anchored pattern of ASCII classes (for OpenAPI and for bodies' constraints)."""


def is_org_id(value: str) -> bool:
    """Whether ``value`` is an organisation id: ``prison:WYI``, ``la:E07000127``, ``health:RW4``, ``probation:NW``."""
    kind, sep, code = value.partition(":")
    pattern = _ORG_ID.get(kind)
    return bool(sep) and pattern is not None and pattern.fullmatch(code) is not None


def _check_org_id(value: str) -> str:
    if not is_org_id(value):
        raise ValueError(
            "an organisation id is prison:<NOMIS code>, la:<ONS GSS code>, health:<ODS code> "
            "or probation:<code> (e.g. prison:WYI, la:E07000127)"
        )
    return value


def _check_local_authority(value: str) -> str:
    if not value.startswith("la:"):
        raise ValueError("must be a local authority (la:<ONS GSS code>)")
    return value


NomsNumber = Annotated[str, StringConstraints(max_length=7), AfterValidator(_check_noms)]
"""An HMPPS (NOMIS) prison number: ``^[A-Z]\\d{4}[A-Z]{2}$``."""

NhsNumber = Annotated[str, StringConstraints(max_length=10), AfterValidator(_check_nhs)]
"""An NHS number (England, Wales, Isle of Man): ten digits, the last a modulus 11 check digit."""

ChiNumber = Annotated[str, StringConstraints(max_length=10), AfterValidator(_check_chi)]
"""A Community Health Index number (Scotland): DDMMYY date of birth, four digits, modulus 11 check digit."""

PncNumber = Annotated[str, StringConstraints(max_length=13), AfterValidator(_check_pnc)]
"""A Police National Computer id, ``YY/NNNNNNNA`` or ``YYYY/NNNNNNNA``, with its check letter."""

OrgId = Annotated[str, StringConstraints(max_length=20), AfterValidator(_check_org_id)]
"""An organisation id: ``prison:``, ``la:``, ``health:`` or ``probation:``, then that scheme's code."""

LocalAuthorityId = Annotated[OrgId, AfterValidator(_check_local_authority)]
"""An :data:`OrgId` that names a local authority (``la:`` + ONS GSS code)."""

IdentifierSystem = Literal["noms", "nhs", "chi", "pnc"]
"""The identifier schemes a passport subject may be known by."""

Role = Literal["admin", "care_staff", "reception", "authority", "auditor", "person"]
"""The role in which someone acts: a staff role, a receiving authority, an auditor, or the person."""


class NomsIdentifier(ContentModel):
    """A NOMS prison number, tagged ``"system": "noms"``."""

    system: Literal["noms"] = "noms"
    value: NomsNumber


class NhsIdentifier(ContentModel):
    """An NHS number, tagged ``"system": "nhs"``."""

    system: Literal["nhs"] = "nhs"
    value: NhsNumber


class ChiIdentifier(ContentModel):
    """A CHI number, tagged ``"system": "chi"``."""

    system: Literal["chi"] = "chi"
    value: ChiNumber


class PncIdentifier(ContentModel):
    """A PNC number, tagged ``"system": "pnc"``."""

    system: Literal["pnc"] = "pnc"
    value: PncNumber


Identifier = Annotated[NomsIdentifier | NhsIdentifier | ChiIdentifier | PncIdentifier, Field(discriminator="system")]
"""Any person identifier, told apart by its ``system``."""


class RecordedBy(ContentModel):
    """Who recorded a fact: an organisation and a role, never a free-typed name alone."""

    org: OrgId
    role: Role
