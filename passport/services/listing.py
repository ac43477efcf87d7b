"""The organisation's passports, a page at a time: found, sorted and counted in the database.

Listing reads the small entries :mod:`list_entries` keeps (never a version's SD-JWT or content), so what
one page costs does not grow with the number of passports held. Every listing is audited once, without what was
searched for (a name is personal data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from passport.services import audit
from passport.services.access import require
from passport.services.list_entries import needs_new_card, search_words
from passport.services.people import deals_with_corrections, open_correction_counts
from passport.services.principals import Principal
from passport.services.storage import ListEntryRow, PassportRow

PAGE_SIZE = 50


@dataclass(frozen=True)
class Listed:
    """One passport in the list: its id, whose it is, its current version, who has custody, requests waiting, and
    whether the card the person carries is out of date (a new one is for the custodian to print)."""

    pid: str
    name: str
    noms: str
    ver: int
    custodian: str
    requests: int
    new_card: bool = False


@dataclass(frozen=True)
class ListingPage:
    """One page of the list: its passports, which page of how many, and how many passports were found in all."""

    entries: tuple[Listed, ...]
    page: int
    pages: int
    found: int

    @property
    def first(self) -> int:
        """The place in the whole list of the first passport shown (1 for the first page; 0 when none are)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.entries else 0

    @property
    def last(self) -> int:
        """The place in the whole list of the last passport shown."""
        return self.first + len(self.entries) - 1 if self.entries else 0


def list_passports(
    session: Session, *, principal: Principal, query: str = "", page: int = 1, source: str | None = None
) -> ListingPage:
    """Page ``page`` (counted from 1; kept within the pages there are) of this organisation's passports whose
    names or prison numbers contain every word of ``query``, sorted by name then id; audited as a search."""
    require(principal, "read")
    words = search_words(query)
    where = _where(principal, words)
    found = session.exec(select(func.count()).select_from(ListEntryRow).join(PassportRow).where(*where)).one()
    pages = max(1, -(-found // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.exec(
        select(ListEntryRow, PassportRow.current_ver, PassportRow.custodian)
        .join(PassportRow)
        .where(*where)
        .order_by(col(ListEntryRow.sort_name), col(ListEntryRow.pid))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    waiting = (
        open_correction_counts(session, principal=principal, pids=[entry.pid for entry, _, _ in rows])
        if deals_with_corrections(principal)
        else {}
    )
    entries = tuple(
        Listed(
            entry.pid,
            entry.name,
            entry.noms,
            ver,
            custodian,
            waiting.get(entry.pid, 0),
            new_card=custodian == principal.org and needs_new_card(entry),
        )
        for entry, ver, custodian in rows
    )
    detail = json.dumps({"searched": bool(words), "found": found, "shown": len(entries)})
    audit.record(session, actor=audit.actor_of(principal, source), action="search", detail=detail)
    return ListingPage(entries, page, pages, found)


def _where(principal: Principal, words: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """This organisation's passports, and every word somewhere in the search text (``%`` and ``_`` typed are
    matched as themselves, not as wildcards)."""
    return [
        col(PassportRow.holder_org) == principal.org,
        *(col(ListEntryRow.search_text).contains(word, autoescape=True) for word in words),
    ]
