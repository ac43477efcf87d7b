"""Why a release notice no longer verifies, and why a message between the prison and the council did not arrive,
in the words staff read (the codes are ``schemas.errors``'; a code with no words here is said as a general
failure, never shown raw)."""

from __future__ import annotations

from collections.abc import Mapping

NOT_VERIFIED: Mapping[str, str] = {
    "unknown_key": "it was signed with a key this service does not know for the prison",
    "key_revoked": "the key the prison signed it with has been withdrawn since",
    "untrusted_issuer": "this service no longer trusts the prison that sent it",
    "signature_invalid": "its signature does not match what it says: it may have been changed",
    "token_expired": "the care details it carried are too old to check now",
    "notice_invalid": "it is not a well-formed notice for this council",
}
"""Why a notice held here no longer verifies, by the error's code."""

NOT_DELIVERED: Mapping[str, str] = {
    "configuration_error": "the other organisation's service could not be reached",
    "not_a_trusted_peer": "the other organisation is not trusted here, so there is nowhere to send it",
    "not_authenticated": "the other organisation's service does not trust this one",
    "untrusted_issuer": "the other organisation's service does not trust this one",
    "unknown_key": "the other organisation's service does not know this service's current key",
    "key_revoked": "the other organisation's service has this service's key as withdrawn",
    "notice_invalid": "the other organisation's service refused it as not meant for them",
    "access_denied": "the other organisation's service refused it",
}
"""Why the last delivery of a notice or an answer failed, by the code the sender kept."""


def not_verified(code: str) -> str:
    """Why a notice does not verify, in words."""
    return NOT_VERIFIED.get(code, "it could not be checked")


def not_delivered(code: str) -> str:
    """Why a message did not arrive, in words; the service tries again by itself."""
    if code.startswith("http_5"):
        return "the other organisation's service had a problem"
    return NOT_DELIVERED.get(code, "the other organisation's service refused it")


NOT_PULLED: Mapping[str, str] = {
    "not_found": "the prison has no care details for this council: it may have handed the passport on",
    "custody_violation": "the prison no longer keeps this passport; ask the prison who does",
    "notice_invalid": "what the prison sent was not the person's care details, so it was not kept",
    "configuration_error": "the prison's service could not be reached; try again later",
    "not_authenticated": "the prison's service does not trust this one",
    "untrusted_issuer": "this service does not trust the prison",
    "invalid_request": "the prison called this release off, so there is nothing to get",
}
"""Why getting the newest care details from the prison failed, by the error's code."""


def not_pulled(code: str) -> str:
    """Why the care details could not be got from the prison, in words."""
    return NOT_PULLED.get(code, "the care details could not be got from the prison; try again later")
