"""Verify what someone hands us: a version, a view, or a whole history, with public keys alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from crypto import KeyBindingPolicy, SdJwt, TrustStore, verify_sd_jwt
from passport.core.chain import History, verify_history
from passport.core.versions import Version
from schemas.api import DisclosedOut, VerifiedOut
from schemas.errors import InvalidRequest

# A view was true when it was given; past this age the recipient asks the custodian for a fresh one.
VIEW_MAX_AGE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Verification:
    """What was verified: its kind, the newest version, the whole history if given, and what was disclosed."""

    kind: Literal["version", "view", "history"]
    version: Version
    history: History | None
    audience: str | None

    @property
    def issuers(self) -> list[str]:
        """Every organisation that signed, first signer first."""
        return self.history.issuers if self.history else [self.version.issuer]

    @property
    def disclosed_sections(self) -> list[str]:
        """The content sections disclosed."""
        return sorted(self.version.claims)

    @property
    def disclosed_items(self) -> list[str]:
        """The ids of the list items disclosed."""
        return sorted(
            item["id"]
            for value in self.version.claims.values()
            if isinstance(value, list)
            for item in value
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        )

    def to_public(self) -> VerifiedOut:
        """The form the API returns and the CLI prints."""
        version = self.version
        return VerifiedOut(
            kind=self.kind,
            pid=version.pid,
            ver=version.ver,
            digest=version.digest,
            issuer=version.issuer,
            issued_at=datetime.fromtimestamp(version.issued_at, UTC),
            issuers=self.issuers,
            versions=len(self.history.versions) if self.history else 1,
            audience=self.audience,
            disclosed=DisclosedOut(sections=self.disclosed_sections, items=self.disclosed_items),
            content=version.claims,
        )


def verify_token(text: str, *, trust: TrustStore, audience: str, now: int) -> Verification:
    """A version as issued, or a view (a presentation with a Key Binding JWT, which must be for ``audience``)."""
    sd_jwt = SdJwt.parse(text)
    if sd_jwt.kb_jwt is None:
        return Verification("version", Version.verify(sd_jwt, trust=trust, now=now), None, None)
    policy = KeyBindingPolicy(audience=audience, max_age=VIEW_MAX_AGE_SECONDS)
    verified = verify_sd_jwt(sd_jwt, trust=trust, key_binding=policy, now=now)
    return Verification("view", Version.from_verified(verified, require_full=False, now=now), None, audience)


def verify_versions(history: Sequence[str], *, trust: TrustStore, now: int) -> Verification:
    """A whole history: every version, the chain and custody."""
    if not history:
        raise InvalidRequest("the history is empty")
    verified = verify_history(history, trust=trust, now=now)
    return Verification("history", verified.current, verified, None)
