"""Verify a passport history of many versions, against raw ES256 verifies of the same versions in the same run.

DESIGN.md section 9: "verifying a history of 1,000 versions". The limit is what the signatures alone cost: one
raw ``cryptography`` ES256 verify of each version's signing input. The history verify adds, per version, the
SD-JWT (disclosures, digests), the content validation, and the chain's links and custody.

Run from the repository root::

    .venv/bin/python bench/history.py              # 1,000 versions
    .venv/bin/python bench/history.py --versions 200 --quick
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid

from _timing import IAT, REFERENCE_PASSPORT, machine_line, measure_all, table

from crypto import SdJwt, SigningKey, TrustedKey, TrustStore, b64url_decode
from passport.core.chain import verify_history
from passport.core.versions import Handover, Version, issue_version
from schemas import parse_content


def build_history(count: int) -> tuple[list[str], TrustStore, list[tuple[bytes, bytes, SigningKey]]]:
    """A history of ``count`` versions, handed from Wymott to Risley half way; and each version's raw signing input."""
    content = parse_content(json.loads(REFERENCE_PASSPORT.read_text("utf-8")))
    keys = {"prison:WYI": SigningKey.generate(), "prison:RSY": SigningKey.generate()}
    trust = TrustStore.of(TrustedKey(org, key.public) for org, key in keys.items())
    pid, versions, raw = str(uuid.uuid4()), [], []
    issuer, prev = "prison:WYI", None
    for ver in range(1, count + 1):
        handover = Handover("prison:RSY", "transfer", "2026-12-01") if ver == count // 2 else None
        holder = keys["prison:RSY"].public if handover else None
        version = issue_version(
            key=keys[issuer],
            issuer=issuer,
            pid=pid,
            ver=ver,
            prev=prev,
            content=content,
            iat=IAT,
            handover=handover,
            holder=holder,
        )
        versions.append(version.serialize())
        head, payload, signature = SdJwt.parse(version.serialize()).issuer_jwt.split(".")
        raw.append((f"{head}.{payload}".encode("ascii"), b64url_decode(signature), keys[issuer]))
        prev, issuer = version.digest, version.custody.custodian_after
    return versions, trust, raw


def main() -> int:
    """Print the table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (a smoke test)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print(f"building a history of {args.versions} versions...", file=sys.stderr)
    versions, trust, raw = build_history(args.versions)

    def raw_verifies() -> None:
        for data, signature, key in raw:
            key.public.verify_raw(signature=signature, data=data)  # raises if the benchmark is broken

    def history() -> None:
        verify_history(versions, trust=trust, now=IAT)

    rounds, round_s = (3, 0.2) if args.quick else (5, 1.0)
    limit, whole = measure_all(
        [("raw ES256 verify of every version", raw_verifies), ("verify_history", history)],
        rounds=rounds,
        round_s=round_s,
        warmup_s=0.1,
    )
    assert Version.verify(versions[-1], trust=trust, now=IAT).issuer == "prison:RSY"
    print(f"bench/history.py: a history of {args.versions} versions, two issuers (DESIGN.md section 9)")
    print(f"machine: {machine_line()}")
    rows = [
        [
            limit.name,
            f"{limit.median_ns / 1e6:,.1f}",
            f"{limit.median_ns / args.versions / 1e3:,.1f}",
            "(the limit)",
            "",
        ],
        [
            whole.name,
            f"{whole.median_ns / 1e6:,.1f}",
            f"{whole.median_ns / args.versions / 1e3:,.1f}",
            "raw ES256 verify",
            f"{whole.ratio_to(limit):.2f}x",
        ],
    ]
    print(
        table(
            ["operation", "ms/history", "us/version", "measured against", "ratio"],
            rows,
            right=[False, True, True, False, True],
        )
    )
    print("Figures are printed, not asserted: a machine's speed is not a test result.")
    if args.json:
        print(json.dumps({"versions": args.versions, "limit_ns": limit.median_ns, "history_ns": whole.median_ns}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
