"""What the officer at the desk reads: a verified card in words, and why a card was refused, by error code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from api.pages.common.render import day
from passport.core import Card
from schemas.errors import PassportError

# What the officer is told, by error code. The card's own checks first, then what the import adds.
EXPIRED = "This card has expired. Ask the person's last prison for a new one."
UNTRUSTED = "This card was signed by an organisation this prison does not trust yet."
DAMAGED = "This card has been changed or damaged. Do not rely on it."
NOT_READ = (
    "This is not a Care Passport card, or it was not read whole. Scan it again. If it fails again, do not rely on it."
)
UNCHECKED = "This card could not be checked. Do not rely on it. Try again, or ask IT support."
REASONS: dict[str, str] = {
    "token_expired": EXPIRED,
    "unknown_key": UNTRUSTED,
    "untrusted_issuer": UNTRUSTED,
    "signature_invalid": DAMAGED,
    "malformed_token": DAMAGED,
    "token_too_large": DAMAGED,
    "algorithm_not_allowed": DAMAGED,
    "wrong_token_type": DAMAGED,
    "token_invalid": DAMAGED,
    "key_revoked": "This card was signed with a key its prison has withdrawn. Do not rely on it. "
    "Ask the person's last prison for a new one.",
    "card_mismatch": "The record the issuing prison sent is not the one this card shows. Nothing was imported. "
    "Call the issuing prison.",
    "custody_violation": "This passport was not handed over to this prison.",
    "not_found": "The issuing prison has not handed this passport over to this prison. "
    "Ask them to record the transfer, then try again.",
    "configuration_error": "The card is genuine, but the full record could not be fetched now. Try again later.",
    "chain_invalid": "The full record does not hold together. Nothing was imported. Call the issuing prison.",
    "chain_broken": "The full record does not hold together. Nothing was imported. Call the issuing prison.",
    "audit_tampered": "This service has stopped: its record of who did what has been tampered with. Nothing was "
    "imported. Call your system administrator.",
    "disclosure_invalid": "The full record does not hold together. Nothing was imported. Call the issuing prison.",
    "record_incomplete": "The full record arrived with parts missing. Nothing was imported. Call the issuing prison.",
    "signature_not_canonical": DAMAGED,
    "issue_time_invalid": "The full record carries an impossible date. Nothing was imported. Call the issuing prison.",
    "fork_detected": "This prison holds a different record for this passport. Nothing was imported. "
    "Speak to care staff.",
    "rollback_detected": "This prison already holds a newer record for this passport. Nothing was imported.",
    "stale_version": "Someone imported this passport at the same moment. Scan the card again to check.",
    "access_denied": "Your role may not import passports. Ask care staff to import it.",
}
PHOTO_NOT_READ = "No card could be read from this photo. Take it again: one card, the whole code, flat and in focus."
PHOTO_TOO_LARGE = "This photo is too large. Take it again at a lower resolution."
ISSUED_HERE = "This card was made by this prison. Its record is already here."


@dataclass(frozen=True)
class Refusal:
    """Why a card was not verified or not imported: in plain words, with the code small for support staff."""

    reason: str
    code: str

    @classmethod
    def of(cls, error: PassportError) -> Refusal:
        """The plain words for one of our errors (never the raw code alone)."""
        return cls(REASONS.get(error.code, UNCHECKED), error.code)


@dataclass(frozen=True)
class Shown:
    """A verified card as the desk shows it: the card, who signed it (by name) and its dates in words."""

    card: Card
    issuer_name: str
    issued_here: bool

    @property
    def signed_on(self) -> str:
        """The day the card was signed: 21 November 2026."""
        return day(datetime.fromtimestamp(self.card.issued_at, UTC).date())

    @property
    def valid_until(self) -> str:
        """The last day the card is good for."""
        return day(datetime.fromtimestamp(self.card.expires_at, UTC).date())

    @property
    def date_of_birth(self) -> str:
        """The person's date of birth: 17 April 1949."""
        return day(date.fromisoformat(self.card.date_of_birth))
