"""The card: a small signed summary of one passport version that a reception officer scans.

A compact JWS, ES256, ``zip: DEF`` over minified JSON, ``typ: cp-card+jws``, so small that it fits
one QR code of version 22 or less at level Q (a JWS of at most 670 characters for the reference
passport). Its claims, with short names because every character counts::

    iss   the issuing organisation            "prison:WYI"
    iat   issued at, exp: expires at          Unix seconds
    pid   the passport id                     base64url of the UUID's 16 bytes (22 characters)
    ver   the version it summarises           1, 2, 3...
    vd    that version's digest               base64url(SHA-256(issuer-signed JWT)), 43 characters
    nm    the name to address the person by   preferred (else given) names, then family name
    no    the NOMS prison number              absent when the person has none
    dob   date of birth                       "1949-04-17"
    al    alerts: "code:text" strings         "er:Easy read", "eq:Self-propelled wheelchair"

Only the display identifiers and the alerts that the ``reception_card`` consent permits are on a
card (DESIGN.md section 5): alerts come from the permitted sections alone, never from a withheld item,
only from active needs and from equipment that follows the person, in a fixed vocabulary of short
codes and texts (:data:`NEED_ALERTS`, :data:`COMMUNICATION_ALERTS`; equipment by its item name).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from crypto import (
    SigningKey,
    TrustStore,
    b64url_decode,
    b64url_encode,
    inflate_deflated,
    parse_json,
    read_header,
    require_canonical,
    sign_compact,
)
from passport.core.qr import MAX_JWS_CHARS, jws_from_scan
from passport.core.versions import PID_PATTERN
from schemas import NeedDomain, PassportContent, is_org_id
from schemas.errors import InvalidRequest, MalformedToken, PassportError, TokenExpired, TokenTooLarge

CARD_TYP = "cp-card+jws"
DEFAULT_TTL_SECONDS = 30 * 24 * 3600
MAX_TTL_SECONDS = 400 * 24 * 3600  # a card is reissued with each version; a year and a bit is the most
CLOCK_SKEW_SECONDS = 60
MAX_ALERTS = 40
MAX_ALERT_TEXT = 32
MAX_NAME_CHARS = 64
EQUIPMENT_TEXT_CHARS = 28  # "Self-propelled wheelchair" fits; longer item names are cut at a word
EQUIPMENT_CODE = "eq"

NEED_ALERTS: Final[dict[NeedDomain, tuple[str, str]]] = {
    # Care and Support (Eligibility Criteria) Regulations 2015, reg 2(2)(a)-(j), as read in a prison.
    "managing_and_maintaining_nutrition": ("nut", "Help with meals"),
    "maintaining_personal_hygiene": ("hyg", "Help to wash"),
    "managing_toilet_needs": ("toi", "Help with toilet"),
    "being_appropriately_clothed": ("drs", "Help to dress"),
    "being_able_to_make_use_of_the_home_safely": ("saf", "Help to move about safely"),
    "maintaining_a_habitable_home_environment": ("cel", "Help to keep cell"),
    "developing_and_maintaining_family_or_other_personal_relationships": ("rel", "Help with family contact"),
    "accessing_and_engaging_in_work_training_education_or_volunteering": ("act", "Help to join activities"),
    "making_use_of_necessary_facilities_or_services_in_the_local_community": ("fac", "Help to use services"),
    "carrying_out_any_caring_responsibilities_for_a_child": ("chi", "Cares for a child"),
    # The domains prison care staff record in their own right.
    "mobility": ("mob", "Mobility needs"),
    "sensory": ("sen", "Sight or hearing needs"),
    "cognition": ("cog", "Memory or understanding"),
    "mental_wellbeing": ("mh", "Mental wellbeing support"),
    "communication": ("com", "Communication needs"),
}
"""The alert each need domain gives, as ``(code, text)``; one alert a domain however many needs it has."""

COMMUNICATION_ALERTS: Final[dict[str, tuple[str, str]]] = {
    "bsl": ("bsl", "BSL interpreter"),
    "easy_read": ("er", "Easy read"),
    "large_print": ("lp", "Large print"),
    "hearing_loop": ("hl", "Hearing loop"),
    "literacy_support": ("lit", "Literacy support"),
}
"""The alert each communication flag gives when set; an interpreter gives ``int`` with the language."""

INTERPRETER_CODE = "int"

_CLAIMS = frozenset({"iss", "iat", "exp", "pid", "ver", "vd", "nm", "no", "dob", "al"})
_REQUIRED = _CLAIMS - {"no"}
_B64_PID = re.compile(r"^[A-Za-z0-9_-]{22}$")
_DIGEST = re.compile(r"^[A-Za-z0-9_-]{43}$")
_NOMS = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
_ALERT = re.compile(r"^([a-z]{2,4}):(.+)$", re.DOTALL)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Invisible format characters that real names and words need, and that change nothing but how text is shaped or
# broken: soft hyphen, Arabic letter mark, zero-width space, zero-width non-joiner and joiner (Persian, Arabic,
# Indic scripts), left-to-right and right-to-left marks (Hebrew, Arabic), word joiner. Other format characters
# (bidirectional embeddings, overrides and isolates, which can make text read differently from what it says; byte
# order marks), and control, private-use, unassigned and surrogate characters, never reach a card.
_CARD_FORMAT_CHARACTERS = frozenset("\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u2060")
_NOT_ON_A_CARD = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})


@dataclass(frozen=True)
class Alert:
    """One thing a reception officer must know at once: a short code and a short plain text."""

    code: str
    text: str

    def to_claim(self) -> str:
        """The alert as the card carries it: ``code:text``."""
        return f"{self.code}:{self.text}"


@dataclass(frozen=True)
class Card:
    """A verified card: who issued it, which passport version it summarises, whose it is, and its alerts.

    Build one with :meth:`verify` (or :meth:`from_scan`); personal data stays out of ``repr``.
    """

    jws: str = field(repr=False)
    issuer: str
    kid: str
    pid: str
    ver: int
    digest: str
    issued_at: int
    expires_at: int
    name: str = field(repr=False)
    noms: str | None = field(repr=False)
    date_of_birth: str = field(repr=False)
    alerts: tuple[Alert, ...] = field(repr=False)

    def serialize(self) -> str:
        """The compact JWS, as signed."""
        return self.jws

    @classmethod
    def from_scan(cls, text: str, *, trust: TrustStore, now: int) -> Card:
        """Verify a card from what a scanner typed (``cp:/...``) or a bare compact JWS."""
        return cls.verify(jws_from_scan(text), trust=trust, now=now)

    @classmethod
    def verify(cls, jws: str, *, trust: TrustStore, now: int) -> Card:
        """Verify a card's JWS against the trust store at time ``now`` (Unix seconds), or raise.

        1. size: no longer than one QR code holds;
        2. alg, typ, kid, signature, inflated size, ``iss`` owns the key, not revoked (:meth:`TrustStore.verify`);
        3. only the card's claims, each of its type;
        4. not issued in the future, and a life no longer than any card is issued for;
        5. ``pid``, ``ver``, ``vd``, the display identifiers and the alerts have their shapes;
        6. not expired (with :data:`CLOCK_SKEW_SECONDS` of skew).
        """
        card = cls._verify_all_but_expiry(jws, trust=trust, now=now)
        # 6. Last, so that "expired" means everything else held.
        if now > card.expires_at + CLOCK_SKEW_SECONDS:
            raise TokenExpired("the card has expired; ask for a new one")
        return card

    @classmethod
    def unsafe_verify_expired(cls, jws: str, *, trust: TrustStore, now: int) -> Card:
        """Every check of :meth:`verify` but the expiry (steps 1-5), or raise: what a card whose time has run out
        said, for a reception desk to show marked as from an expired card. Nothing may be imported from it, nor
        may it be shown as current."""
        return cls._verify_all_but_expiry(jws, trust=trust, now=now)

    @classmethod
    def _verify_all_but_expiry(cls, jws: str, *, trust: TrustStore, now: int) -> Card:
        # 1. A card that no single QR code could hold was not made by us.
        if len(jws) > MAX_JWS_CHARS:
            raise TokenTooLarge("the card is longer than one QR code holds")
        # 2. (and in the one encoding we sign, so a card has one form)
        verified = trust.verify(jws, typ=CARD_TYP, inflate=True)
        require_canonical(jws)
        claims = verified.claims
        # 3.
        unknown, missing = set(claims) - _CLAIMS, _REQUIRED - set(claims)
        if unknown or missing:
            raise MalformedToken("the card's claims are not those of a care passport card")
        iat, exp = _int(claims, "iat"), _int(claims, "exp")
        # 4.
        if exp <= iat:
            raise MalformedToken("the card expires before it was issued")
        if exp - iat > MAX_TTL_SECONDS:
            # No card is issued for longer; one that claims to be was not made by us (or by a key since revoked,
            # whose backdated iat would otherwise outlive the revocation).
            raise MalformedToken("the card claims a longer life than any card is issued for")
        if iat > now + CLOCK_SKEW_SECONDS:
            raise TokenExpired("the card was issued in the future; check this computer's clock")
        # 5.
        ver = _int(claims, "ver")
        if ver < 1:
            raise MalformedToken("the card's version number is not positive")
        digest = claims["vd"]
        if not isinstance(digest, str) or not _DIGEST.fullmatch(digest) or len(b64url_decode(digest)) != 32:
            raise MalformedToken("the card's version digest is not a SHA-256 digest")
        name, dob, noms = claims["nm"], claims["dob"], claims.get("no")
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_CHARS or card_line(name) != name:
            raise MalformedToken("the card's name is not a short line of text")
        if not isinstance(dob, str) or not _is_date(dob):
            raise MalformedToken("the card's date of birth is not a date")
        if noms is not None and (not isinstance(noms, str) or not _NOMS.fullmatch(noms)):
            raise MalformedToken("the card's prison number is not a NOMS number")
        return cls(
            jws=jws,
            issuer=claims["iss"],
            kid=verified.key.kid,
            pid=_pid_from_claim(claims["pid"]),
            ver=ver,
            digest=digest,
            issued_at=iat,
            expires_at=exp,
            name=name,
            noms=noms,
            date_of_birth=dob,
            alerts=_alerts_from_claim(claims["al"]),
        )


def unsafe_claimed_issuer(jws: str) -> str | None:
    """The organisation a card *says* issued it, read without verifying anything: only to tell a reception
    officer whom to call about a card whose signature this deployment cannot check (a key it does not hold).
    ``None`` unless the card's header and ``iss`` have the shapes of a card's."""
    try:
        read_header(jws, typ=CARD_TYP)
        if len(jws) > MAX_JWS_CHARS:
            return None
        issuer = parse_json(inflate_deflated(b64url_decode(jws.split(".")[1]))).get("iss")
    except (PassportError, ValueError, AttributeError):
        return None
    return issuer if isinstance(issuer, str) and is_org_id(issuer) else None


def issue_card(
    *,
    key: SigningKey,
    issuer: str,
    pid: str,
    ver: int,
    digest: str,
    content: PassportContent,
    now: int,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
) -> str:
    """Sign the card of passport ``pid`` version ``ver`` (whose digest is ``digest``): its compact JWS.

    Raises :class:`TokenTooLarge` when there are more than :data:`MAX_ALERTS` alerts, or when they make
    a card that no single QR code holds.
    """
    if not PID_PATTERN.fullmatch(pid):
        raise InvalidRequest("pid must be a lower-case UUID version 4")
    if isinstance(ver, bool) or ver < 1:
        raise InvalidRequest("ver must be a positive integer")
    if not _DIGEST.fullmatch(digest):
        raise InvalidRequest("digest must be a base64url SHA-256 digest")
    if not 0 < ttl_seconds <= MAX_TTL_SECONDS:
        raise InvalidRequest(f"ttl_seconds must be between 1 and {MAX_TTL_SECONDS}")
    subject = content.subject
    claims: dict[str, Any] = {
        "iss": issuer,
        "iat": now,
        "exp": now + ttl_seconds,
        "pid": b64url_encode(uuid.UUID(pid).bytes),
        "ver": ver,
        "vd": digest,
        "nm": _shorten(_card_name(content), MAX_NAME_CHARS),
    }
    if not claims["nm"]:
        raise InvalidRequest("the person's name has no letters that can be printed on a card")
    noms = subject.display_identifiers().get("noms")
    if noms is not None:
        claims["no"] = noms
    claims["dob"] = subject.date_of_birth.isoformat()
    alerts = card_alerts(content)
    if len(alerts) > MAX_ALERTS:
        raise TokenTooLarge(f"the card would have more than {MAX_ALERTS} alerts")
    claims["al"] = [alert.to_claim() for alert in alerts]
    jws = sign_compact(key=key, typ=CARD_TYP, claims=claims, deflate=True)
    if len(jws) > MAX_JWS_CHARS:
        raise TokenTooLarge("the card's alerts are too long to fit one QR code")
    return jws


def card_alerts(content: PassportContent) -> tuple[Alert, ...]:
    """The alerts the ``reception_card`` consent permits, in section order, each once."""
    permitted = content.consent.permitted_sections("reception_card")
    withheld = content.consent.withheld_items("reception_card")
    alerts: list[Alert] = []
    for section in permitted:
        if section == "communication" and content.communication is not None:
            communication = content.communication
            if communication.interpreter is not None:
                alerts.append(Alert(INTERPRETER_CODE, _shorten(f"Interpreter: {communication.interpreter}")))
            flags = [flag for flag in COMMUNICATION_ALERTS if getattr(communication, flag)]
            alerts += [Alert(*COMMUNICATION_ALERTS[flag]) for flag in flags]
        elif section == "needs":
            alerts += [
                Alert(*NEED_ALERTS[need.domain])
                for need in content.needs
                if need.status == "active" and need.id not in withheld
            ]
        elif section == "equipment":
            alerts += [
                Alert(EQUIPMENT_CODE, _shorten(item.item, EQUIPMENT_TEXT_CHARS))
                for item in content.equipment
                if item.follows_person and item.id not in withheld
            ]
    return tuple(dict.fromkeys(alerts))


def card_changed(before: PassportContent, after: PassportContent) -> bool:
    """Whether a change of content alters what a card shows (name, prison number, date of birth, alerts), so that
    the card the person carries is out of date and a new one should be printed."""
    return _face(before) != _face(after)


def card_face(content: PassportContent) -> str:
    """A digest of what a card of this content shows (see :func:`card_changed`), to keep beside a version and
    beside the last card printed, so that a stale card is found without reading either content again."""
    return hashlib.sha256(repr(_face(content)).encode("utf-8")).hexdigest()


def _face(content: PassportContent) -> tuple[object, ...]:
    subject = content.subject
    shown = _shorten(_card_name(content), MAX_NAME_CHARS)
    return shown, subject.display_identifiers().get("noms"), subject.date_of_birth, card_alerts(content)


def _card_name(content: PassportContent) -> str:
    subject = content.subject
    name = subject.display_name()
    # The officer checks the person in front of them against the family name on their own records.
    return name if name.endswith(subject.family_name) else f"{name} {subject.family_name}"


def card_line(text: str) -> str:
    """The one text rule of a card, applied when it is issued and checked when it is verified: one line, spaces
    collapsed, and no character that is not visible text except the few format characters names need
    (:data:`_CARD_FORMAT_CHARACTERS`)."""
    kept = "".join(c for c in text if c in _CARD_FORMAT_CHARACTERS or unicodedata.category(c) not in _NOT_ON_A_CARD)
    return " ".join(kept.split())


def _shorten(text: str, limit: int = MAX_ALERT_TEXT) -> str:
    """``text`` as a card line (:func:`card_line`) in at most ``limit`` characters, cut at a word where one is
    near, ending in an ellipsis."""
    text = card_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return card_line(cut.rstrip(" ,;:-(")) + "\u2026"


def _int(claims: dict[str, Any], name: str) -> int:
    value = claims[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedToken(f"the card's {name} is not an integer")
    return value


def _is_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _pid_from_claim(value: object) -> str:
    """The canonical UUID string of a card's 22-character ``pid``."""
    if not isinstance(value, str) or not _B64_PID.fullmatch(value):
        raise MalformedToken("the card's passport id is not 22 base64url characters")
    raw = b64url_decode(value)
    pid = str(uuid.UUID(bytes=raw))
    # Both ways: a non-canonical encoding (stray low bits in the last character) is refused too.
    if not PID_PATTERN.fullmatch(pid) or b64url_encode(raw) != value:
        raise MalformedToken("the card's passport id is not a UUID version 4")
    return pid


def _alerts_from_claim(value: object) -> tuple[Alert, ...]:
    if not isinstance(value, list) or len(value) > MAX_ALERTS:
        raise MalformedToken(f"the card's alerts are not a list of at most {MAX_ALERTS}")
    alerts: list[Alert] = []
    for entry in value:
        found = _ALERT.fullmatch(entry) if isinstance(entry, str) else None
        if found is None:
            raise MalformedToken("a card alert is not code:text")
        code, text = found.groups()
        if len(text) > MAX_ALERT_TEXT or card_line(text) != text or not text:
            raise MalformedToken(f"a card alert's text is not a short line of at most {MAX_ALERT_TEXT} characters")
        alerts.append(Alert(code, text))
    return tuple(alerts)
