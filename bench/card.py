"""Render the card to PNG and decode it back, each against a limit measured in the same run.

DESIGN.md section 9: on the reference passport, print

* cards rendered to PNG per second (:func:`passport.core.qr.render_png`: two explicit segments, byte
  ``cp:/`` and numeric digits, level Q, with ``qrcode``) against ``segno`` rendering the same
  ``cp:/`` text to PNG with ``segno.make(text, error="q", micro=False)``; segno picks its segments
  itself (one byte-mode segment for the whole text, so a larger symbol), so a second segno row
  gives it our two segments, for the same symbol;
* cards decoded and verified from that PNG per second (:func:`passport.core.qr.decode_image`, then
  :meth:`passport.core.card.Card.from_scan`) against zxing-cpp decoding alone of the same PNG (Pillow
  opening the PNG, then ``zxingcpp.read_barcodes``: the least anyone does to get the text).

The figures are printed, never asserted; the exit status says only whether the benchmark could run.
Each indented step is timed on its own, so its time is part of the row above.

Run from the repository root::

    .venv/bin/python bench/card.py            # about 20 s on 2 cores
    .venv/bin/python bench/card.py --quick    # a smoke test, a few seconds
    .venv/bin/python bench/card.py --json     # the table, then the figures as JSON
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import uuid
from dataclasses import dataclass
from typing import Any

import segno
import zxingcpp
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
from PIL import Image
from segno import consts as segno_consts

from crypto import SigningKey, TrustedKey, TrustStore
from passport.core.card import Card, issue_card
from passport.core.qr import PREFIX, decode_image, qr_text, qr_version, render_png
from passport.core.versions import issue_version
from schemas import parse_content

ISSUER = "prison:WYI"
BOX_SIZE = 6  # pixels a module, render_png's default
BORDER = 4  # the quiet zone, in modules (ISO/IEC 18004 s.6.3.8)


@dataclass(frozen=True)
class Fixture:
    """Everything the operations need, built once from the reference passport."""

    trust: TrustStore
    jws: str
    text: str
    png: bytes
    qr_version: int
    segno_version: int
    segno_error: str
    segno_two_version: int
    passport_bytes: int


def _segno_png(text: str) -> bytes:
    """segno as the brief of section 9 names it: its own choice of segments."""
    out = io.BytesIO()
    segno.make(text, error="q", micro=False).save(out, kind="png", scale=BOX_SIZE, border=BORDER)
    return out.getvalue()


def _segno_two_segments(text: str) -> segno.QRCode:
    segments = [(PREFIX, segno_consts.MODE_BYTE), (text[len(PREFIX) :], segno_consts.MODE_NUMERIC)]
    # segno's encoder takes a list of (content, mode) segments, though its typed signature says a str.
    return segno.make(segments, error="q", micro=False, boost_error=False)  # type: ignore[arg-type]


def _segno_two_png(text: str) -> bytes:
    out = io.BytesIO()
    _segno_two_segments(text).save(out, kind="png", scale=BOX_SIZE, border=BORDER)
    return out.getvalue()


def _zxing_alone(png: bytes) -> str:
    with Image.open(io.BytesIO(png)) as image:
        (barcode,) = zxingcpp.read_barcodes(
            image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        )
    return str(barcode.text)


def build_fixture() -> Fixture:
    """Issue version 1 of the reference passport and its card; check that every timed path succeeds."""
    raw = REFERENCE_PASSPORT.read_bytes()
    content = parse_content(json.loads(raw))
    key = SigningKey.generate()
    trust = TrustStore.of([TrustedKey(ISSUER, key.public)])
    version = issue_version(key=key, issuer=ISSUER, pid=str(uuid.uuid4()), ver=1, prev=None, content=content, iat=IAT)
    jws = issue_card(key=key, issuer=ISSUER, pid=version.pid, ver=1, digest=version.digest, content=content, now=IAT)
    text = qr_text(jws)
    png = render_png(jws, box_size=BOX_SIZE, border=BORDER)
    # The figures mean nothing unless what is timed succeeds; these are set-up checks, not figures.
    if Card.from_scan(decode_image(png), trust=trust, now=IAT).digest != version.digest:
        raise SystemExit("set-up failed: the rendered card does not decode and verify back")
    if _zxing_alone(png) != text or _zxing_alone(_segno_png(text)) != text:
        raise SystemExit("set-up failed: zxing-cpp does not read the card's text back from a PNG")
    if _zxing_alone(_segno_two_png(text)) != text:
        raise SystemExit("set-up failed: zxing-cpp does not read segno's two-segment PNG back")
    own = segno.make(text, error="q", micro=False)
    return Fixture(
        trust=trust,
        jws=jws,
        text=text,
        png=png,
        qr_version=qr_version(jws),
        segno_version=int(own.version),
        segno_error=str(own.error),
        segno_two_version=int(_segno_two_segments(text).version),
        passport_bytes=len(raw),
    )


def cases(f: Fixture) -> list[Case]:
    """The operations, in table order; indentation in a label marks a step of the row above."""
    return [
        Case("segno_png", "segno.make + PNG (its own segments)", lambda: _segno_png(f.text)),
        Case(
            "segno_two_png",
            "segno.make + PNG (our two segments)",
            lambda: _segno_two_png(f.text),
            limit="segno_png",
        ),
        Case(
            "render_png",
            "render_png (ours, qrcode)",
            lambda: render_png(f.jws, box_size=BOX_SIZE, border=BORDER),
            limit="segno_png",
        ),
        Case(
            "encode",
            "  qr_version (the encoding alone: segments, fit, mask)",
            lambda: qr_version(f.jws),
            limit="segno_png",
        ),
        Case("zxing", "PIL open + zxing-cpp read (decode alone)", lambda: _zxing_alone(f.png)),
        Case(
            "scan",
            "decode_image + Card.from_scan (ours)",
            lambda: Card.from_scan(decode_image(f.png), trust=f.trust, now=IAT),
            limit="zxing",
        ),
        Case("decode_image", "  decode_image (image checks, zxing-cpp)", lambda: decode_image(f.png), limit="zxing"),
        Case(
            "card_verify",
            "  Card.from_scan (cp:/ text, JWS verify, claims)",
            lambda: Card.from_scan(f.text, trust=f.trust, now=IAT),
            limit="zxing",
        ),
    ]


def run(f: Fixture, *, rounds: int, round_s: float, warmup_s: float) -> dict[str, Timing]:
    """Time every case, rounds interleaved, printing progress to stderr."""
    return run_cases(cases(f), rounds=rounds, round_s=round_s, warmup_s=warmup_s)


def report(f: Fixture, timings: dict[str, Timing], *, rounds: int, round_s: float) -> str:
    """The printed table, with the machine and the card measured above it."""
    labels = {case.key: case.label.strip() for case in cases(f)}
    rows: list[list[str]] = []
    for case in cases(f):
        t = timings[case.key]
        if case.limit is None:
            against, ratio = "(the limit)", "1.00x"
        else:
            against, ratio = labels[case.limit].split(" (")[0], f"{t.ratio_to(timings[case.limit]):.2f}x"
        rows.append(
            [case.label, f"{t.median_us:,.1f}", f"{t.ops_per_s:,.1f}", f"{100 * t.spread:.0f}%", against, ratio]
        )
    head = [
        "bench/card.py: the card rendered to PNG and decoded back, against segno and zxing-cpp (DESIGN.md section 9)",
        f"machine: {machine_line()}",
        f"passport: {REFERENCE_PASSPORT.relative_to(REPO_ROOT)} ({f.passport_bytes:,} bytes of JSON) -> "
        f"card JWS of {len(f.jws)} chars (limit 670), QR text of {len(f.text):,} chars",
        f"ours: QR version {f.qr_version} (limit 22) at level Q, byte segment cp:/ + numeric segment; "
        f"PNG of {len(f.png):,} bytes at {BOX_SIZE} px a module",
        f"segno.make(text, error='q', micro=False) picks its own segments: version {f.segno_version}, "
        f"level {f.segno_error}; given our two segments: version {f.segno_two_version}",
        f"method: median over {rounds} interleaved rounds of ~{round_s:g} s each, after warm-up; "
        "spread = (slowest - fastest round) / median",
        "",
    ]
    body = table(
        ["operation", "us/op", "ops/s", "spread", "measured against", "ratio"],
        rows,
        right=[False, True, True, True, False, True],
    )
    return "\n".join([*head, body, *FOOTNOTE])


def as_json(f: Fixture, timings: dict[str, Timing], *, rounds: int, round_s: float) -> dict[str, Any]:
    """The figures as a JSON-ready document."""
    results = case_figures(cases(f), timings)
    return {
        "bench": "card",
        "machine": machine(),
        "method": {"rounds": rounds, "round_s": round_s, "statistic": "median per-op time over rounds"},
        "card": {
            "passport_path": str(REFERENCE_PASSPORT.relative_to(REPO_ROOT)),
            "content_json_bytes": f.passport_bytes,
            "jws_chars": len(f.jws),
            "qr_text_chars": len(f.text),
            "qr_version": f.qr_version,
            "png_bytes": len(f.png),
            "segno_own_segments_version": f.segno_version,
            "segno_own_segments_error": f.segno_error,
            "segno_two_segments_version": f.segno_two_version,
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
