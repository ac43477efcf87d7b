"""A passport's history: versions linked by digest, each signed by the organisation with custody.

:func:`verify_history` checks, in order:

1. every version on its own (signature against the trust store, disclosures, content);
2. one ``pid`` throughout;
3. no two different versions with the same ``ver`` (a fork);
4. versions numbered 1, 2, 3... with none missing;
5. each ``prev`` is the digest of the version before (the chain);
6. each version is signed by the custodian after the version before: its issuer, or the
   organisation its handover named (custody);
7. against what the caller already knows of this passport: no rollback to an older
   version, and no version that differs from a known one with the same number (a fork).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from crypto import MAX_SD_JWT_CHARS, SdJwt, TrustStore
from passport.core.versions import Version
from schemas.errors import (
    ChainBroken,
    ContentTooLarge,
    CustodyViolation,
    ForkDetected,
    InvalidRequest,
    RollbackDetected,
)

# The size limits of a passport, in one place: what may be issued is exactly what a receiver accepts.
# A version is at most MAX_SD_JWT_CHARS (crypto, checked when it is signed and when it is verified), and a
# whole history at most MAX_HISTORY versions and MAX_HISTORY_CHARS, checked when a version is added to it
# (records.next_version) and when one is verified or imported here.
MAX_HISTORY = 10_000
MAX_HISTORY_CHARS = 32 * MAX_SD_JWT_CHARS


@dataclass(frozen=True)
class KnownHead:
    """The newest version of a passport a verifier already holds."""

    ver: int
    digest: str


@dataclass(frozen=True)
class History:
    """A verified history, oldest first. Every version's content was validated; the newest carries its
    ``content`` model, the older ones their disclosed ``claims``."""

    versions: tuple[Version, ...]

    @property
    def pid(self) -> str:
        """The passport id."""
        return self.versions[0].pid

    @property
    def current(self) -> Version:
        """The newest version."""
        return self.versions[-1]

    @property
    def issuers(self) -> list[str]:
        """The organisations that signed it, in the order they first did."""
        return list(dict.fromkeys(v.issuer for v in self.versions))


def verify_history(
    history: Sequence[str | SdJwt | Version],
    *,
    trust: TrustStore,
    now: int,
    known: KnownHead | None = None,
) -> History:
    """Verify a whole history (steps 1-7 of the module docstring) or raise a ``ChainError``."""
    if not history:
        raise InvalidRequest("a history needs at least one version")
    if len(history) > MAX_HISTORY:
        raise InvalidRequest("the history has more versions than allowed")
    check_history_size(sum(len(item) if isinstance(item, str) else len(_serialize(item)) for item in history))
    versions: list[Version] = []
    newest: Version | None = None
    for item in history:  # 1.
        version = item if isinstance(item, Version) else Version.verify(item, trust=trust, now=now)
        if newest is None or version.ver > newest.ver:
            newest = version
        # Every version's content was validated; only the newest keeps its model. A long history would otherwise
        # hold thousands of them, and the garbage collector's passes over them cost more than verifying.
        versions.append(replace(version, content=None))
    if len({v.pid for v in versions}) != 1:  # 2.
        raise ChainBroken("the versions belong to different passports")
    by_ver: dict[int, Version] = {}
    for version in versions:  # 3.
        seen = by_ver.setdefault(version.ver, version)
        if seen.digest != version.digest:
            raise ForkDetected(f"two different versions are numbered {version.ver}")
    ordered = [by_ver[n] for n in sorted(by_ver)]
    if [v.ver for v in ordered] != list(range(1, len(ordered) + 1)):  # 4.
        raise ChainBroken("the history does not run 1, 2, 3... without a gap")
    for before, after in pairwise(ordered):
        if after.prev != before.digest:  # 5.
            raise ChainBroken(f"version {after.ver} does not follow version {before.ver}")
        if after.issuer != before.custody.custodian_after:  # 6.
            raise CustodyViolation(f"version {after.ver} is signed by an organisation without custody")
    if known is not None:  # 7.
        check_against_known(ordered[-1], known, ordered)
    assert newest is not None and newest.digest == ordered[-1].digest
    return History((*ordered[:-1], newest))


def check_history_size(chars: int, *, versions: int = 0) -> None:
    """Refuse a history of more characters (or versions) than any deployment accepts in a transfer."""
    if chars > MAX_HISTORY_CHARS or versions > MAX_HISTORY:
        raise ContentTooLarge("the passport's history is larger than can be handed over")


def _serialize(item: SdJwt | Version) -> str:
    return item.serialize()


def check_against_known(current: Version, known: KnownHead, versions: Sequence[Version] = ()) -> None:
    """Refuse an offered current version that is older than, or forks from, the newest one known."""
    if current.ver < known.ver:
        raise RollbackDetected(f"version {current.ver} is offered as current but version {known.ver} is known")
    same = [v for v in versions if v.ver == known.ver] or ([current] if current.ver == known.ver else [])
    if same and same[0].digest != known.digest:
        raise ForkDetected(f"version {known.ver} differs from the one already held")
