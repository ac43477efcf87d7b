"""A second passport for a person already held here: the one rule that finds it, and the one place it is refused.

A person is the same person when a passport held by this organisation carries one of their prison (NOMS), NHS,
CHI or PNC numbers. Each passport's identifiers, normalised, are kept in an index as its versions are stored
(:func:`keep_identifiers`), so :func:`find_duplicates` is one indexed query however many passports are held.
:func:`refuse_duplicate` is what ``create_passport`` asks before version 1 is signed: a duplicate is made only
on purpose, with a reason, which the new passport's audit trail keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from passport.services.storage import ListEntryRow, PassportRow, PersonIdentifierRow
from schemas import Subject
from schemas.errors import DuplicatePerson, InvalidRequest

MAX_REASON_CHARS = 1000
"""The longest reason for a deliberate duplicate (a sentence or two is what is wanted)."""

# How each identifier is named to staff and in a refusal: the kind of number, never the number.
IDENTIFIER_NAMES = {"noms": "prison number", "nhs": "NHS number", "chi": "CHI number", "pnc": "PNC number"}


def normalised(system: str, value: str) -> str:
    """An identifier as compared: without spaces, in capitals (the form ``schemas`` checks numbers in)."""
    return "".join(value.split()).upper() if system in IDENTIFIER_NAMES else value


def identifiers_of(subject: Subject) -> set[tuple[str, str]]:
    """The person's identifiers, as ``(system, normalised value)``."""
    return {(i.system, normalised(i.system, i.value)) for i in subject.identifiers}


def keep_identifiers(session: Session, pid: str, subject: Subject) -> None:
    """Replace the index's identifiers of a passport with those of the version being stored (its newest)."""
    session.exec(delete(PersonIdentifierRow).where(col(PersonIdentifierRow.pid) == pid))
    session.add_all(PersonIdentifierRow(pid=pid, system=s, value=v) for s, v in sorted(identifiers_of(subject)))


@dataclass(frozen=True)
class Duplicate:
    """A passport held here for the same person: which, how staff would know it, and which numbers match."""

    pid: str
    name: str  # "Family, Given Names", as the staff list shows it
    noms: str
    systems: tuple[str, ...]  # the kinds of identifier it shares, in IDENTIFIER_NAMES order

    @property
    def shared(self) -> str:
        """The numbers it shares, in words: "prison number and NHS number"."""
        return _and([IDENTIFIER_NAMES[s] for s in self.systems])


def find_duplicates(session: Session, *, org: str, subject: Subject) -> list[Duplicate]:
    """Every passport this organisation holds that carries one of the person's identifiers, by name."""
    wanted = identifiers_of(subject)
    if not wanted:
        return []
    found: dict[str, set[str]] = {}
    for system in {s for s, _ in wanted}:
        values = [v for s, v in wanted if s == system]
        rows = session.exec(
            select(PersonIdentifierRow.pid)
            .join(PassportRow, col(PassportRow.pid) == col(PersonIdentifierRow.pid))
            .where(col(PassportRow.holder_org) == org)
            .where(col(PersonIdentifierRow.system) == system, col(PersonIdentifierRow.value).in_(values))
        )
        for pid in rows:
            found.setdefault(pid, set()).add(system)
    entries = {e.pid: e for e in session.exec(select(ListEntryRow).where(col(ListEntryRow.pid).in_(list(found))))}
    duplicates = [
        Duplicate(
            pid=pid,
            name=entries[pid].name if pid in entries else "",
            noms=entries[pid].noms if pid in entries else "",
            systems=tuple(s for s in IDENTIFIER_NAMES if s in systems),
        )
        for pid, systems in found.items()
    ]
    return sorted(duplicates, key=lambda d: (d.name, d.pid))


def refuse_duplicate(session: Session, *, org: str, subject: Subject, reason: str | None) -> list[Duplicate]:
    """The passports a new one would duplicate; refused (``duplicate_person``) unless there is a reason.

    The refusal says which kind of number is shared and names the passports by id (the caller is staff of the
    organisation that holds them), never the number or the name.
    """
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise InvalidRequest(f"the reason for a second passport is at most {MAX_REASON_CHARS} characters")
    duplicates = find_duplicates(session, org=org, subject=subject)
    if duplicates and not (reason and reason.strip()):
        systems = [s for s in IDENTIFIER_NAMES if any(s in d.systems for d in duplicates)]
        kinds = _and([IDENTIFIER_NAMES[s] for s in systems])
        raise DuplicatePerson(
            f"a passport with this {kinds} is already held here; open it, or give a reason to make a second one",
            existing=tuple(d.pid for d in duplicates),
        )
    return duplicates


def _and(words: Iterable[str]) -> str:
    listed = list(words)
    return " and ".join([", ".join(listed[:-1]), listed[-1]]) if len(listed) > 1 else "".join(listed)
