"""The staff list's entry for each passport: its name, prison numbers and search text, kept beside the versions.

:func:`keep_entry` runs whenever a version is stored (issued here or imported), so listing and searching read
one small row per passport, never an SD-JWT or a whole content. Searching matches case-folded words against
``search_text`` in the database; :func:`fold` is the one rule for folding, applied to what is stored and to what
is searched for alike. The entry also keeps a digest of what the current version's card would show and of what the
last card printed here shows: when they differ, the person carries a stale card and staff must print a new one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

from sqlmodel import Session

from passport.core.card import card_face
from passport.core.versions import Version
from passport.services.duplicates import keep_identifiers
from passport.services.storage import ListEntryRow
from schemas import PassportContent, Subject

SORT_CHARS = 200  # the sort key's length: enough to order names, short enough for any database's index


# Letters that Arabic and Persian keyboards write differently for one name: Arabic yeh and alef maksura are
# Persian yeh, Arabic kaf is Persian keheh, so a name typed on either keyboard finds the other.
_SAME_LETTER = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})


def fold(text: str) -> str:
    """Text as it is searched: compatibility forms unified (NFKC), case folded, the Arabic and Persian forms of a
    letter made one, and without the invisible joiners and marks (ZWNJ, ZWJ, LRM, RLM, soft hyphen) some names are
    written with, or control characters, so that a name typed without them still matches."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_SAME_LETTER)
    return "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cf", "Cc"))


def search_words(query: str) -> tuple[str, ...]:
    """The words of a search, folded: every one must be found in a passport's names or prison numbers."""
    return tuple(word for word in (fold(part) for part in query.split()) if word)


@dataclass(frozen=True)
class ListEntry:
    """What the list keeps of a passport's version: see :class:`passport.services.storage.ListEntryRow`."""

    pid: str
    ver: int
    name: str
    noms: str
    sort_name: str
    search_text: str


def list_entry(*, pid: str, ver: int, subject: Subject) -> ListEntry:
    """The list's entry for version ``ver`` of a passport: "Family, Given Names", the first prison number, the
    sort key, and every name and prison number folded into one text to search."""
    given = " ".join(subject.given_names)
    name = f"{subject.family_name}, {given}" if given else subject.family_name
    numbers = [i.value for i in subject.identifiers if i.system == "noms"]
    names = [subject.family_name, subject.preferred_name or "", *subject.given_names]
    return ListEntry(
        pid=pid,
        ver=ver,
        name=name,
        noms=numbers[0] if numbers else "",
        sort_name=fold(name)[:SORT_CHARS],
        search_text=fold(" ".join(part for part in (*names, *numbers) if part)),
    )


def keep_entry(session: Session, version: Version) -> None:
    """Bring the passport's entry (and its person's identifiers) up to a version being stored, unless the entry
    already shows a later one."""
    subject = version.content.subject if version.content else Subject.model_validate(version.claims["subject"])
    entry = asdict(list_entry(pid=version.pid, ver=version.ver, subject=subject))
    if version.content:
        entry["card_face"] = card_face(version.content)
    held = session.get(ListEntryRow, version.pid)
    if held is None:
        session.add(ListEntryRow(**entry))
    elif held.ver < version.ver:
        session.add(held.sqlmodel_update(entry))
    else:
        return
    keep_identifiers(session, version.pid, subject)


def card_printed(session: Session, pid: str, content: PassportContent) -> None:
    """A card of ``content`` was printed: it is the card the person carries now."""
    held = session.get(ListEntryRow, pid)
    if held is not None:
        held.printed_face = card_face(content)
        session.add(held)


def needs_new_card(entry: ListEntryRow) -> bool:
    """Whether the last card printed here no longer shows what the passport says (none printed: no)."""
    return entry.printed_face is not None and entry.printed_face != entry.card_face
