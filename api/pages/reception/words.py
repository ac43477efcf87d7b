"""What the officer at the desk reads: a verified card in words, and why a card was refused, by error code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from api.pages.common.render import day
from passport.core import Card
from schemas.errors import PassportError

# What the officer is told, by error code. The card's own checks first, then what the import adds.
EXPIRED = "This card has expired. Ask the person's last prison for a new one."
UNTRUSTED = "This card was signed by an organisation this prison does not trust yet."
NOT_SCANNED = "Scan the card first. If the scanner cannot read it, use a photo of the card instead."
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
# An organisation this prison has no name for, by its kind (the code follows).
_THE_KIND = {
    "prison": "the prison",
    "la": "the council",
    "health": "the NHS organisation",
    "probation": "the probation service",
}
PHOTO_NOT_READ = "No card could be read from this photo. Take it again: one card, the whole code, flat and in focus."
PHOTO_TOO_LARGE = "This photo is too large. Take it again at a lower resolution."
ISSUED_HERE = "This card was made by this prison. Its record is already here."


@dataclass(frozen=True)
class Refusal:
    """Why a card was not verified or not imported: in plain words, with the code small for support staff, and
    (for a card this prison cannot check) who the card claims it is from and what to do meanwhile."""

    reason: str
    code: str
    claimed_by: str | None = None
    next_steps: tuple[str, ...] = ()

    @classmethod
    def of(cls, error: PassportError) -> Refusal:
        """The plain words for one of our errors (never the raw code alone)."""
        return cls(REASONS.get(error.code, UNCHECKED), error.code)

    @classmethod
    def unchecked_issuer(cls, error: PassportError, claimed: str | None, names: Mapping[str, str]) -> Refusal:
        """A card signed with a key this prison does not hold (``unknown_key``), or with a key of an organisation
        other than the one it names (``untrusted_issuer``): say whom the card claims to be from, unverified, and
        what the officer can do meanwhile."""
        if claimed is None:
            return cls.of(error)
        who = claimed_name(claimed, names)
        steps: tuple[str, ...]
        meanwhile = "For now, ask the person what help they need, and look at what equipment they have with them."
        if error.code == "untrusted_issuer":
            reason = f"This card names {who}, but it was signed by a different organisation. Do not rely on it."
            steps = (meanwhile, f"Contact {who} and tell them about this card.")
        elif claimed in names:
            reason = (
                f"This card says it comes from {who}, which this prison trusts, but it was signed with a key this "
                f"prison does not have yet. {who} may have changed its keys. Nothing on the card can be relied on yet."
            )
            steps = (
                f"Ask your system administrator to get {who}'s new keys. Then scan the card again.",
                meanwhile,
            )
        else:
            reason = (
                f"This card says it comes from {who}. This prison does not trust cards from there yet, so "
                "nothing on the card can be relied on."
            )
            steps = (
                meanwhile,
                f"Contact {who} to check the card and to ask about the person's needs.",
                f"Ask your system administrator to add {who} to the organisations this prison trusts. "
                "Then scan the card again.",
            )
        return cls(reason, error.code, who, steps)


def claimed_name(org: str, names: Mapping[str, str]) -> str:
    """An organisation by its name when this prison knows it, else by its kind and code: the prison with the code
    WYI."""
    if org in names:
        return names[org]
    kind, _, code = org.partition(":")
    return f"{_THE_KIND.get(kind, 'the organisation')} with the code {code}"


@dataclass(frozen=True)
class Shown:
    """A verified card as the desk shows it: the card, who signed it (by name), its dates in words, and whether it has
    expired."""

    card: Card
    issuer_name: str
    issued_here: bool
    expired: bool = False  # from Card.unsafe_verify_expired: shown marked as such, never imported

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
