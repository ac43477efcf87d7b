"""The card's QR code: the cp:/ text, real rendered images decoded by zxing-cpp, and what is refused."""

from __future__ import annotations

import io
import os
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from crypto import SigningKey, TrustStore, b64url_encode
from passport.core.card import Card, issue_card
from passport.core.qr import (
    MAX_IMAGE_BYTES,
    MAX_JWS_CHARS,
    MAX_SCAN_CHARS,
    decode_image,
    jws_from_scan,
    qr_text,
    qr_version,
    render_png,
    render_svg,
)
from schemas import parse_content
from schemas.errors import MalformedToken, TokenTooLarge
from tests.crypto.forge import refusal
from tests.passport.cards import NOW, WYMOTT

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def jws(key: SigningKey, reference: dict[str, Any]) -> str:
    """The reference passport's card."""
    return issue_card(
        key=key,
        issuer=WYMOTT,
        pid=str(uuid.uuid4()),
        ver=3,
        digest=b64url_encode(os.urandom(32)),
        content=parse_content(reference),
        now=NOW,
    )


def _png(image: Image.Image, *, format: str = "PNG", **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def _fake_jws(chars: int) -> str:
    """A string of the shape of a compact JWS with ``chars`` characters (not signed: for size checks)."""
    return "a" * (chars - 4) + ".b.c"


# -- the text ---------------------------------------------------------------------------------------------------


def test_text_round_trip(jws: str) -> None:
    text = qr_text(jws)
    assert text.startswith("cp:/")
    assert re.fullmatch(r"[0-9]+", text[4:])
    assert len(text) == 4 + 2 * len(jws)
    assert jws_from_scan(text) == jws
    # As a keyboard-wedge scanner types it: trailing newline, stray spaces, caps lock on.
    assert jws_from_scan(f"  {text}\r\n") == jws
    assert jws_from_scan("CP:/" + text[4:]) == jws
    # The bare compact JWS is accepted as it is.
    assert jws_from_scan(f"{jws}\n") == jws


def test_text_is_two_digits_a_character() -> None:
    # SMART Health Cards' encoding: ord(c) - 45, so "-" is 00, "." is 01, "0" is 03, "A" is 20, "z" is 77.
    assert qr_text("-0.Az.a_") == "cp:/0003012077015250"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("cp:/123", "even number of digits"),
        ("cp:/5278", "above 77"),
        ("cp:/", "digits only"),
        ("cp:/12 34", "digits only"),
        ("cp:/\u0661\u0662", "digits only"),  # Arabic-Indic digits are not ASCII digits
        ("shc:/5676", "not a care passport card"),
        ("cp/5676", "not a care passport card"),
        ("", "not a care passport card"),
        ("hello world", "not a care passport card"),
        ("a.b", "not a care passport card"),
        ("a.b.c.d", "not a care passport card"),
        ("a+b.c.d", "not a care passport card"),
        ("cp:/13131313", "does not hold a compact JWS"),  # 13 is ":", not a JWS character
    ],
)
def test_text_refusals(text: str, match: str) -> None:
    with refusal(MalformedToken, "malformed_token", match):
        jws_from_scan(text)


def test_over_long_text_is_refused_before_it_is_read() -> None:
    with refusal(TokenTooLarge, "token_too_large", "longer than any card"):
        jws_from_scan("cp:/" + "5" * MAX_SCAN_CHARS)


def test_one_code_holds_up_to_version_40_and_no_more() -> None:
    assert qr_version(_fake_jws(MAX_JWS_CHARS)) == 40
    with refusal(TokenTooLarge, "token_too_large", "more than one QR code holds"):
        qr_version(_fake_jws(MAX_JWS_CHARS + 1))
    with refusal(TokenTooLarge, "token_too_large", "more than one QR code holds"):
        render_png(_fake_jws(MAX_JWS_CHARS + 1))


def test_only_a_compact_jws_is_encoded() -> None:
    with refusal(MalformedToken, "malformed_token", "compact JWS"):
        qr_text("not a token")


# -- rendering and decoding real images -------------------------------------------------------------------------


def test_png_decodes_and_verifies(jws: str, trust: TrustStore) -> None:
    png = render_png(jws, box_size=4, border=4)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        modules = 17 + 4 * qr_version(jws) + 2 * 4
        assert image.size == (4 * modules, 4 * modules)
    text = decode_image(png)
    assert text == qr_text(jws)
    card = Card.from_scan(text, trust=trust, now=NOW)
    assert card.serialize() == jws


def test_png_is_one_code_of_two_segments_at_level_q(jws: str) -> None:
    with Image.open(io.BytesIO(render_png(jws))) as image:
        (barcode,) = zxingcpp.read_barcodes(
            image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        )
    assert barcode.ec_level == "Q"
    assert barcode.symbology_identifier == "]Q1"  # a model 2 QR code, no ECI, no structured append
    assert barcode.text == qr_text(jws)


def test_degraded_photo_still_decodes_and_verifies(jws: str, trust: TrustStore) -> None:
    # A poor photo: smaller (60 %), slightly out of focus, a few degrees askew, saved as a JPEG.
    with Image.open(io.BytesIO(render_png(jws))) as image:
        photo = image.convert("L")
    photo = photo.resize((round(photo.width * 0.6), round(photo.height * 0.6)), Image.Resampling.BILINEAR)
    photo = photo.filter(ImageFilter.GaussianBlur(radius=0.8))
    photo = photo.rotate(4, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    for data in (_png(photo), _png(photo, format="JPEG", quality=75)):
        card = Card.from_scan(decode_image(data), trust=trust, now=NOW)
        assert card.serialize() == jws


def test_transparent_png_decodes(jws: str) -> None:
    with Image.open(io.BytesIO(render_png(jws))) as image:
        dark = image.convert("L").point(lambda v: 255 - v)
    # Black modules on a fully transparent background: read as black on white, not black on black.
    rgba = Image.new("RGBA", dark.size, (0, 0, 0, 0))
    rgba.putalpha(dark)
    assert jws_from_scan(decode_image(_png(rgba))) == jws


def test_svg_is_well_formed_and_draws_the_same_modules(jws: str) -> None:
    svg = render_svg(jws)
    root = ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted XML)
    assert root.tag == f"{SVG}svg"
    size = 17 + 4 * qr_version(jws) + 2 * 4
    assert root.get("viewBox") == f"0 0 {size} {size}"
    (path,) = root.iter(f"{SVG}path")
    assert root.find(f"{SVG}rect") is not None
    # Every run "M x y h n v1 h-n z" is one row of n dark modules: the same count as the PNG's dark pixels.
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path.get("d", ""))
    assert "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in runs) == path.get("d")
    with Image.open(io.BytesIO(render_png(jws, box_size=1))) as image:
        dark = image.convert("L").histogram()[0]
    assert sum(int(n) for _, _, n in runs) == dark


# -- images that are refused ------------------------------------------------------------------------------------


def test_image_without_a_code_is_refused() -> None:
    blank = Image.new("L", (400, 300), 255)
    with refusal(MalformedToken, "malformed_token", "no QR code was found"):
        decode_image(_png(blank))


def test_image_with_two_codes_is_refused(jws: str, key: SigningKey, reference: dict[str, Any]) -> None:
    other = issue_card(
        key=key,
        issuer=WYMOTT,
        pid=str(uuid.uuid4()),
        ver=1,
        digest=b64url_encode(os.urandom(32)),
        content=parse_content(reference),
        now=NOW,
    )
    with (
        Image.open(io.BytesIO(render_png(jws, box_size=3))) as a,
        Image.open(io.BytesIO(render_png(other, box_size=3))) as b,
    ):
        both = Image.new("L", (a.width + b.width, max(a.height, b.height)), 255)
        both.paste(a.convert("L"), (0, 0))
        both.paste(b.convert("L"), (a.width, 0))
    with refusal(MalformedToken, "malformed_token", "more than one QR code"):
        decode_image(_png(both))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"this is not an image at all",
        os.urandom(4096),
        b"\x89PNG\r\n\x1a\n" + os.urandom(200),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
    ids=["empty", "text", "random", "png-signature-then-garbage", "svg"],
)
def test_garbage_is_refused(data: bytes) -> None:
    with refusal(MalformedToken, "malformed_token", "not an image that can be read"):
        decode_image(data)


def test_truncated_and_unaccepted_formats_are_refused(jws: str) -> None:
    png = render_png(jws)
    with refusal(MalformedToken, "malformed_token", "not an image that can be read"):
        decode_image(png[: len(png) // 2])
    with Image.open(io.BytesIO(png)) as image:
        tiff = _png(image, format="TIFF")
    with refusal(MalformedToken, "malformed_token", "not an image that can be read"):
        decode_image(tiff)


def test_oversized_images_are_refused() -> None:
    with refusal(TokenTooLarge, "token_too_large", "larger than 20 MB"):
        decode_image(b"\0" * (MAX_IMAGE_BYTES + 1))
    # Small files with huge pixel counts: past our own cap (64 MP), and past Pillow's bomb check (100 MP).
    with refusal(TokenTooLarge, "token_too_large", "more than 40,000,000 pixels"):
        decode_image(_png(Image.new("1", (8000, 8000), 1)))
    with refusal(TokenTooLarge, "token_too_large", "larger than allowed"):
        decode_image(_png(Image.new("1", (10000, 10000), 1)))
