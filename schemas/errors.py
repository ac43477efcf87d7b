"""The one error tree of Care Passport.

Every failure the project reports is a :class:`PassportError` with a stable,
machine-readable ``code`` (the API puts it in RFC 9457 problem details, the CLI
prints it) and a human ``diagnostics()`` text that never contains personal data.

It lives in ``schemas`` because the codes are part of the public contract and
every other package (crypto, passport, api, cli) may import it::

    PassportError                      passport_error
    ├── InvalidContent                 invalid_content      content failed validation (names the fields)
    ├── InvalidRequest                 invalid_request      a request that is malformed in some other way
    ├── TokenError                     token_invalid
    │   ├── MalformedToken             malformed_token      not a well-formed JWS / SD-JWT
    │   ├── TokenTooLarge              token_too_large      over a size cap (header, payload, inflated card)
    │   ├── AlgorithmNotAllowed        algorithm_not_allowed anything but ES256 (RFC 8725 s.3.1)
    │   ├── WrongTokenType             wrong_token_type     a ``typ`` this verifier does not accept
    │   ├── UnknownKey                 unknown_key          ``kid`` not in the trust store
    │   ├── SignatureInvalid           signature_invalid
    │   ├── SignatureNotCanonical      signature_not_canonical  a valid signature re-encoded (high-s, stray bits)
    │   ├── DisclosureInvalid          disclosure_invalid   a disclosure that is malformed or was not signed
    │   ├── RecordIncomplete           record_incomplete    a custody copy without all of its disclosures
    │   ├── KeyBindingInvalid          key_binding_invalid  a view's Key Binding JWT does not hold
    │   ├── TokenExpired               token_expired
    │   ├── IssueTimeInvalid           issue_time_invalid   issued in the future, or before this service existed
    │   ├── KeyRevoked                 key_revoked          signed after the key's revocation time
    │   ├── CardMismatch               card_mismatch        the record pulled is not the version the card names
    │   └── NoticeInvalid              notice_invalid       a signed release notice or receipt that says what it may not
    ├── UntrustedIssuer                untrusted_issuer     the issuer is not in the trust store
    │   └── KeyConflict                key_conflict         a key already held by another organisation
    ├── ChainError                     chain_invalid
    │   ├── ChainBroken                chain_broken         ``prev`` does not name the previous version
    │   ├── CustodyViolation           custody_violation    signed by an organisation without custody
    │   ├── ForkDetected               fork_detected        two different versions with the same ``ver``
    │   └── RollbackDetected           rollback_detected    an older version offered as current
    ├── NotAuthenticated               not_authenticated    no or unknown credentials
    ├── AccessDenied                   access_denied        authenticated, but not allowed this action
    ├── NotFound                       not_found            no such object, or not one this caller may see
    ├── ContentTooLarge                content_too_large    a passport or history larger than can be transferred
    ├── PreconditionRequired           precondition_required  a write without ``If-Match`` (RFC 6585 s.3)
    ├── StaleVersion                   stale_version        ``If-Match`` names a version that is not current
    ├── AlreadyExists                  already_exists       refusing to overwrite (identity, keys, a passport)
    │   └── DuplicatePerson            duplicate_person     a passport for this person is already held here
    ├── AuditTampered                  audit_tampered       the audit trail does not verify with the home's key
    └── ConfigurationError             configuration_error  the deployment is not set up as it must be
        ├── InsecureKeyFile            insecure_key_file    a private key readable by others than its owner
        └── PeerRefused                peer_refused         a peer refused what this deployment sent it
"""

from __future__ import annotations

from typing import ClassVar


class PassportError(Exception):
    """Root of every error the project raises on purpose."""

    code: ClassVar[str] = "passport_error"
    title: ClassVar[str] = "Care passport error"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def diagnostics(self) -> str:
        """One line for a person: the code, what went wrong, and the fields at fault (never personal data)."""
        fields = "; ".join(f"{e.get('field', '?')}: {e.get('message', '')}" for e in self.errors)
        return f"{self.code}: {self.detail}" + (f" ({fields})" if fields else "")

    def extensions(self) -> dict[str, object]:
        """Members a problem+json body carries beside the standard ones (RFC 9457 s.3.2); none unless said."""
        return {}


class InvalidContent(PassportError):
    """Passport content or a request body failed validation; ``errors`` names each field."""

    code = "invalid_content"
    title = "Invalid content"


class InvalidRequest(PassportError):
    """A request that is malformed in a way other than its content."""

    code = "invalid_request"
    title = "Invalid request"


class TokenError(PassportError):
    """A signed token (version, view, card, caller JWT) failed to parse or verify."""

    code = "token_invalid"
    title = "Token invalid"


class MalformedToken(TokenError):
    """Not a well-formed compact JWS or SD-JWT."""

    code = "malformed_token"
    title = "Malformed token"


class TokenTooLarge(TokenError):
    """A header, payload, disclosure or inflated payload is over its size cap."""

    code = "token_too_large"
    title = "Token too large"


class AlgorithmNotAllowed(TokenError):
    """The ``alg`` is not ES256 (RFC 8725 s.3.1: an explicit allow-list)."""

    code = "algorithm_not_allowed"
    title = "Algorithm not allowed"


class WrongTokenType(TokenError):
    """The ``typ`` is not the one this verifier accepts (RFC 8725 s.3.11)."""

    code = "wrong_token_type"
    title = "Wrong token type"


class UnknownKey(TokenError):
    """The ``kid`` names no key in the trust store."""

    code = "unknown_key"
    title = "Unknown key"


class SignatureInvalid(TokenError):
    """The signature does not verify with the named key."""

    code = "signature_invalid"
    title = "Signature invalid"


class SignatureNotCanonical(TokenError):
    """A signature that verifies but is not in the one form we sign: it would give a version a second digest."""

    code = "signature_not_canonical"
    title = "Signature not in canonical form"


class DisclosureInvalid(TokenError):
    """A disclosure is malformed, duplicated, or its digest is not in the signed payload."""

    code = "disclosure_invalid"
    title = "Disclosure invalid"


class RecordIncomplete(TokenError):
    """A custody copy of a version that does not carry every disclosure its issuer committed to: cut down."""

    code = "record_incomplete"
    title = "Record incomplete"


class KeyBindingInvalid(TokenError):
    """A view's Key Binding JWT is missing, mis-signed, for another audience or another presentation."""

    code = "key_binding_invalid"
    title = "Key binding invalid"


class TokenExpired(TokenError):
    """The token's ``exp`` has passed (or its ``iat`` is too far in the future)."""

    code = "token_expired"
    title = "Token expired"


class IssueTimeInvalid(TokenError):
    """A token whose ``iat`` is in the future, or earlier than any care passport was issued."""

    code = "issue_time_invalid"
    title = "Issue time invalid"


class KeyRevoked(TokenError):
    """The token was signed at or after the revocation time of its key."""

    code = "key_revoked"
    title = "Key revoked"


class CardMismatch(TokenError):
    """The record pulled from the issuer is not the version the card summarises (its ``vd``)."""

    code = "card_mismatch"
    title = "Card does not match the record"


class NoticeInvalid(TokenError):
    """A release notice or receipt that verifies but may not be taken: for another organisation, not from the
    releasing prison, not well formed, or with a view of another passport."""

    code = "notice_invalid"
    title = "Release notice not accepted"


class UntrustedIssuer(PassportError):
    """The issuer is not in the trust store, or the key does not belong to it."""

    code = "untrusted_issuer"
    title = "Untrusted issuer"


class KeyConflict(UntrustedIssuer):
    """A peer or trust list names a key that another organisation (or this one) already holds."""

    code = "key_conflict"
    title = "Key held by another organisation"


class ChainError(PassportError):
    """A passport history does not hold together."""

    code = "chain_invalid"
    title = "Chain invalid"


class ChainBroken(ChainError):
    """A version's ``prev`` does not name the digest of the version before it."""

    code = "chain_broken"
    title = "Chain broken"


class AuditTampered(PassportError):
    """The audit trail was changed, cut or re-hashed: a row or the head does not verify with the home's audit key.

    A fault of this deployment, not of what a client sent: the API answers 503 and no audited action goes on.
    """

    code = "audit_tampered"
    title = "Audit trail tampered with"


class CustodyViolation(ChainError):
    """A version is signed by an organisation that did not have custody."""

    code = "custody_violation"
    title = "Custody violation"


class ForkDetected(ChainError):
    """Two different versions share one ``pid`` and ``ver``."""

    code = "fork_detected"
    title = "Fork detected"


class RollbackDetected(ChainError):
    """An older version is offered as current while a newer one is known."""

    code = "rollback_detected"
    title = "Rollback detected"


class NotAuthenticated(PassportError):
    """No credentials, or credentials that match no principal."""

    code = "not_authenticated"
    title = "Not authenticated"


class AccessDenied(PassportError):
    """The principal is known but may not do this."""

    code = "access_denied"
    title = "Access denied"


class NotFound(PassportError):
    """No such object, or none this caller may see (the two are never told apart)."""

    code = "not_found"
    title = "Not found"


class ContentTooLarge(PassportError):
    """A passport version, or a whole history, larger than a receiver would accept: refused before it is stored."""

    code = "content_too_large"
    title = "Content too large"


class PreconditionRequired(PassportError):
    """A write came without ``If-Match`` (RFC 6585 s.3)."""

    code = "precondition_required"
    title = "Precondition required"


class StaleVersion(PassportError):
    """``If-Match`` names a version that is no longer current (RFC 9110 s.13.1.1)."""

    code = "stale_version"
    title = "Stale version"


class AlreadyExists(PassportError):
    """Refusing to overwrite something that exists."""

    code = "already_exists"
    title = "Already exists"


class DuplicatePerson(AlreadyExists):
    """A new passport would be a second one for a person already held here (a prison, NHS, CHI or PNC number
    matches). ``existing`` names the passports held, by id; the detail names the kind of number, never it."""

    code = "duplicate_person"
    title = "A passport for this person is already held here"

    def __init__(self, detail: str, *, existing: tuple[str, ...] = ()) -> None:
        super().__init__(detail)
        self.existing = existing

    def extensions(self) -> dict[str, object]:
        """The ids of the passports already held (the caller is staff of the organisation that holds them)."""
        return {"existing": list(self.existing)}


class ConfigurationError(PassportError):
    """The deployment is not set up as it must be (no identity, no key, bad settings)."""

    code = "configuration_error"
    title = "Configuration error"


class InsecureKeyFile(ConfigurationError):
    """A private key file is readable or writable by someone other than its owner."""

    code = "insecure_key_file"
    title = "Insecure key file"


def all_error_classes() -> list[type[PassportError]]:
    """Every class of the tree, root first; used to check that codes are unique and mapped."""
    found: list[type[PassportError]] = [PassportError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return found


class PeerRefused(ConfigurationError):
    """A peer refused what this deployment sent it (a release notice, a receipt); ``refused_code`` is the peer's
    own reason, as its problem details gave it, or ``http_<status>``."""

    code = "peer_refused"
    title = "Refused by the other organisation"

    def __init__(self, refused_code: str) -> None:
        super().__init__(f"the other organisation refused it ({refused_code})")
        self.refused_code = refused_code
