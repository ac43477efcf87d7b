"""Verify and issue a passport version, each against raw ES256 on the same bytes in the same run.

DESIGN.md section 9: on the reference passport, print

* versions verified per second (parse, signature, disclosures, content validation) against raw
  ``cryptography`` ES256 verifies per second of the same bytes: the issuer-signed JWT's signing
  input (``header.payload``) and its signature (the base64url-decoded ``r||s``);
* versions issued per second against raw ES256 signs of the same signing input.

Aim: verifying a version costs at most twice a raw signature check. The figures are printed,
never asserted; the exit status says only whether the benchmark could run.

The verify cost is broken down so that a reader sees where the time goes: the SD-JWT verify
without content validation (:func:`crypto.verify_sd_jwt`) and, inside it, the split and decoding of the
disclosures (:meth:`crypto.SdJwt.parse`) and the JWS check of the issuer-signed JWT
(:meth:`crypto.TrustStore.verify`); then the content validation alone (:func:`schemas.parse_content`).
Each step is timed on its own, so a nested step's time is part of its parent's.

Run from the repository root::

    .venv/bin/python bench/verify.py            # about 25 s on 2 cores
    .venv/bin/python bench/verify.py --quick    # a smoke test, a few seconds
    .venv/bin/python bench/verify.py --json     # the table, then the figures as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import dataclass
from typing import Any

from _timing import (
    FOOTNOTE,
    IAT,
    REFERENCE_PASSPORT,
    REPO_ROOT,
    Case,
    Timing,
    case_figures,
    machine,
    machine_line,
    run_cases,
    table,
)

from crypto import SD_JWT_TYP, SdJwt, SigningKey, TrustedKey, TrustStore, b64url_decode, sign_compact, verify_sd_jwt
from passport.core.versions import NON_CONTENT_CLAIMS, Version, issue_version
from schemas import PassportContent, content_to_claims, parse_content

ISSUER = "prison:WYI"
AIM_VERIFY_RATIO = 2.0  # DESIGN.md section 9: verifying a version costs at most twice a raw check


@dataclass(frozen=True)
class Fixture:
    """Everything the operations need, built once from the reference passport."""

    key: SigningKey
    trust: TrustStore
    pid: str
    content: PassportContent
    version_text: str
    issuer_jwt: str
    signing_input: bytes
    signature: bytes
    payload: dict[str, Any]
    claims: dict[str, Any]
    disclosures: int
    passport_bytes: int


def build_fixture() -> Fixture:
    """Issue one version of the reference passport, check it verifies, and pull out its signed bytes."""
    raw = REFERENCE_PASSPORT.read_bytes()
    content = parse_content(json.loads(raw))
    key = SigningKey.generate()
    trust = TrustStore.of([TrustedKey(ISSUER, key.public)])
    pid = str(uuid.uuid4())
    version = issue_version(key=key, issuer=ISSUER, pid=pid, ver=1, prev=None, content=content, iat=IAT)
    text = version.serialize()
    issuer_jwt = version.sd_jwt.issuer_jwt
    header_b64, payload_b64, signature_b64 = issuer_jwt.split(".")
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    signature = b64url_decode(signature_b64)
    # The figures mean nothing unless what is timed succeeds; these are set-up checks, not figures.
    key.public.verify_raw(signature=signature, data=signing_input)  # raises if the baseline is broken
    verified = verify_sd_jwt(text, trust=trust, now=IAT)
    if Version.verify(text, trust=trust, now=IAT).content != content:
        raise SystemExit("set-up failed: the version does not verify back to the reference content")
    # What Version.from_verified hands to parse_content: the disclosed claims, less the visible ones and the
    # manifest and handover, which are not content.
    claims = {k: v for k, v in verified.claims.items() if k not in verified.payload and k not in NON_CONTENT_CLAIMS}
    return Fixture(
        key=key,
        trust=trust,
        pid=pid,
        content=content,
        version_text=text,
        issuer_jwt=issuer_jwt,
        signing_input=signing_input,
        signature=signature,
        payload=verified.payload,
        claims=claims,
        disclosures=len(version.sd_jwt.disclosures),
        passport_bytes=len(raw),
    )


def cases(f: Fixture) -> list[Case]:
    """The operations, in table order; indentation in a label marks a step of the row above."""

    def issue() -> object:
        return issue_version(key=f.key, issuer=ISSUER, pid=f.pid, ver=1, prev=None, content=f.content, iat=IAT)

    return [
        Case(
            "raw_verify",
            "raw ES256 verify (PublicKey.verify_raw)",
            lambda: f.key.public.verify_raw(signature=f.signature, data=f.signing_input),
        ),
        Case(
            "version_verify",
            "Version.verify (whole)",
            lambda: Version.verify(f.version_text, trust=f.trust, now=IAT),
            limit="raw_verify",
            aim=AIM_VERIFY_RATIO,
        ),
        Case(
            "sd_jwt_verify",
            "  crypto.verify_sd_jwt (SD-JWT, no content validation)",
            lambda: verify_sd_jwt(f.version_text, trust=f.trust, now=IAT),
            limit="raw_verify",
        ),
        Case(
            "sd_jwt_parse",
            f"    SdJwt.parse (split, decode {f.disclosures} disclosures)",
            lambda: SdJwt.parse(f.version_text),
            limit="raw_verify",
        ),
        Case(
            "jws_verify",
            "    TrustStore.verify (issuer-signed JWT)",
            lambda: f.trust.verify(f.issuer_jwt, typ=SD_JWT_TYP),
            limit="raw_verify",
        ),
        Case(
            "parse_content",
            "  parse_content (content validation alone)",
            lambda: parse_content(f.claims),
            limit="raw_verify",
        ),
        Case("raw_sign", "raw ES256 sign (SigningKey.sign_raw)", lambda: f.key.sign_raw(f.signing_input)),
        Case("issue", "issue_version (whole)", issue, limit="raw_sign"),
        Case(
            "content_to_claims",
            "  content_to_claims (called twice per issue)",
            lambda: content_to_claims(f.content),
            limit="raw_sign",
        ),
        Case(
            "jws_sign",
            "  sign_compact (issuer-signed JWT alone)",
            lambda: sign_compact(key=f.key, typ=SD_JWT_TYP, claims=f.payload),
            limit="raw_sign",
        ),
    ]


def run(f: Fixture, *, rounds: int, round_s: float, warmup_s: float) -> dict[str, Timing]:
    """Time every case, rounds interleaved, printing progress to stderr."""
    return run_cases(cases(f), rounds=rounds, round_s=round_s, warmup_s=warmup_s)


def report(f: Fixture, timings: dict[str, Timing], *, rounds: int, round_s: float) -> str:
    """The printed table, with the machine and the bytes measured above it."""
    labels = {case.key: case.label.strip() for case in cases(f)}
    rows: list[list[str]] = []
    for case in cases(f):
        t = timings[case.key]
        if case.limit is None:
            against, ratio = "(the limit)", "1.00x"
        else:
            against, ratio = labels[case.limit].split(" (")[0], f"{t.ratio_to(timings[case.limit]):.2f}x"
        aim = f"aim: <= {case.aim:.1f}x" if case.aim is not None else ""
        rows.append(
            [
                case.label,
                f"{t.median_us:,.1f}",
                f"{t.ops_per_s:,.0f}",
                f"{100 * t.spread:.0f}%",
                against,
                ratio,
                aim,
            ]
        )
    head = [
        "bench/verify.py: a passport version against raw ES256 on the same bytes (DESIGN.md section 9)",
        f"machine: {machine_line()}",
        f"passport: {REFERENCE_PASSPORT.relative_to(REPO_ROOT)} ({f.passport_bytes:,} bytes of JSON) -> "
        f"version of {len(f.version_text):,} chars, {f.disclosures} disclosures; issuer-signed JWT "
        f"{len(f.issuer_jwt):,} chars, signing input {len(f.signing_input):,} bytes",
        f"method: median over {rounds} interleaved rounds of ~{round_s:g} s each, after warm-up; "
        "spread = (slowest - fastest round) / median",
        "",
    ]
    body = table(
        ["operation", "us/op", "ops/s", "spread", "measured against", "ratio", "target"],
        rows,
        right=[False, True, True, True, False, True, False],
    )
    return "\n".join([*head, body, *FOOTNOTE])


def as_json(f: Fixture, timings: dict[str, Timing], *, rounds: int, round_s: float) -> dict[str, Any]:
    """The figures as a JSON-ready document."""
    results = case_figures(cases(f), timings)
    return {
        "bench": "verify",
        "machine": machine(),
        "method": {"rounds": rounds, "round_s": round_s, "statistic": "median per-op time over rounds"},
        "passport": {
            "path": str(REFERENCE_PASSPORT.relative_to(REPO_ROOT)),
            "content_json_bytes": f.passport_bytes,
            "version_chars": len(f.version_text),
            "disclosures": f.disclosures,
            "issuer_jwt_chars": len(f.issuer_jwt),
            "signing_input_bytes": len(f.signing_input),
        },
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the options, time everything, print the table (and the JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds: a smoke test")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    rounds, round_s, warmup_s = (3, 0.05, 0.02) if args.quick else (7, 0.3, 0.1)

    fixture = build_fixture()
    timings = run(fixture, rounds=rounds, round_s=round_s, warmup_s=warmup_s)
    print(report(fixture, timings, rounds=rounds, round_s=round_s))
    if args.json:
        print(json.dumps(as_json(fixture, timings, rounds=rounds, round_s=round_s), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
