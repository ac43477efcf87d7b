"""The card as a QR code: the ``cp:/`` text, rendering (PNG, SVG) and decoding a photo or scan.

Encoded like SMART Health Cards: a byte-mode segment ``cp:/`` then a numeric-mode segment of two
digits per JWS character, ``ord(c) - 45`` (so ``-`` is ``00`` and ``z`` is ``77``). Numeric mode
packs 3 digits in 10 bits, so a base64url character costs 6.67 bits instead of 8 in byte mode.
One code, error correction level Q (25 % of codewords recoverable), never chunked across codes.

Foreign errors are translated here, once each: ``qrcode``'s in :func:`_build`, Pillow's and
zxing-cpp's in :func:`_read_qr_texts`.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from typing import Any, Final, Literal, cast

import qrcode
import qrcode.exceptions
import zxingcpp
from PIL import Image
from qrcode.util import MODE_8BIT_BYTE, MODE_NUMBER, QRData

from schemas.errors import MalformedToken, TokenTooLarge

PREFIX = "cp:/"
_OFFSET = 45  # ord("-"): the lowest character of base64url and "."
_HIGHEST = ord("z") - _OFFSET  # 77: the highest pair a JWS character gives

# Level Q, version 40: 1,666 data codewords = 13,328 bits; less 4 + 16 + 32 bits for the byte
# segment "cp:/" and 4 + 14 bits of numeric segment header, 13,258 bits hold 3,977 digits in
# numeric mode (10 bits per 3 digits), so 1,988 JWS characters at most (tests check the edge).
MAX_JWS_CHARS = 1988
# A keyboard-wedge scanner may add a newline or spaces; anything longer than a full code is refused
# before it is looked at.
MAX_SCAN_CHARS = len(PREFIX) + 2 * MAX_JWS_CHARS + 64
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 48 MP phone photo is refused; scale it down first
# Pillow's own parsers we accept: what cameras, phones, scanners and browsers produce.
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")

_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() would accept other scripts' digits
_SVG_NS = "http://www.w3.org/2000/svg"
# The segment modes (ISO/IEC 18004 s.7.4.1): the typing stubs give qrcode's constants as plain ints.
_BYTE_MODE: Final = cast(Literal[4], MODE_8BIT_BYTE)
_NUMERIC_MODE: Final = cast(Literal[1], MODE_NUMBER)


def qr_text(jws: str) -> str:
    """The text a card's QR code holds: ``cp:/`` then two digits per JWS character."""
    _check_jws(jws)
    return PREFIX + "".join(f"{ord(c) - _OFFSET:02d}" for c in jws)


def jws_from_scan(text: str) -> str:
    """The compact JWS from what a scanner typed (``cp:/...``, maybe with whitespace) or a bare JWS.

    Refuses anything else with :class:`MalformedToken`, and text longer than any card with
    :class:`TokenTooLarge`, before looking at it.
    """
    if len(text) > MAX_SCAN_CHARS:
        raise TokenTooLarge("the scanned text is longer than any card")
    text = text.strip()
    if text[: len(PREFIX)].lower() == PREFIX:
        digits = text[len(PREFIX) :]
        if not _DIGITS.fullmatch(digits):
            raise MalformedToken("a card's QR text must be cp:/ followed by digits only")
        if len(digits) % 2:
            raise MalformedToken("a card's QR text must have an even number of digits")
        pairs = [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
        if max(pairs) > _HIGHEST:
            raise MalformedToken("a card's QR text has a digit pair above 77")
        jws = "".join(chr(p + _OFFSET) for p in pairs)
        if not _JWS.fullmatch(jws):
            raise MalformedToken("the card's QR text does not hold a compact JWS")
        return jws
    if _JWS.fullmatch(text):
        return text
    raise MalformedToken("not a care passport card: expected cp:/ and digits, or a compact JWS")


def qr_version(jws: str) -> int:
    """The QR version (1-40) the card needs at error correction level Q."""
    version: int = _build(jws, box_size=1, border=0).version
    return version


def render_png(jws: str, *, box_size: int = 6, border: int = 4) -> bytes:
    """The card as a black-on-white PNG: ``box_size`` pixels a module, a quiet zone of ``border`` modules."""
    if box_size < 1 or border < 0:
        raise ValueError("box_size must be at least 1 and border not negative")
    matrix = _build(jws, box_size=box_size, border=border).get_matrix()
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels)
    image = image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.convert("1", dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_svg(jws: str, *, border: int = 4) -> str:
    """The card as an SVG document: one path of dark modules on a white square, one unit a module."""
    if border < 0:
        raise ValueError("border must not be negative")
    matrix = _build(jws, box_size=1, border=border).get_matrix()
    size = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="{_SVG_NS}" viewBox="0 0 {size} {size}" width="{size * 4}" height="{size * 4}" '
        f'shape-rendering="crispEdges" role="img" aria-label="Care passport card QR code">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def decode_image(data: bytes) -> str:
    """The text of the one QR code in a photo or scan (PNG, JPEG, WebP, GIF, BMP); pass it to :func:`jws_from_scan`.

    Refuses images over :data:`MAX_IMAGE_BYTES` or :data:`MAX_IMAGE_PIXELS` (:class:`TokenTooLarge`), and
    anything that is not a readable image, or holds no QR code or several (:class:`MalformedToken`).
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise TokenTooLarge(f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    texts = _read_qr_texts(data)
    if not texts:
        raise MalformedToken("no QR code was found in the image; scan the card again, flat and in focus")
    if len(texts) > 1:
        raise MalformedToken("the image holds more than one QR code; scan one card at a time")
    return texts[0]


def _check_jws(jws: str) -> None:
    if len(jws) > MAX_JWS_CHARS:
        raise TokenTooLarge(f"the card is {len(jws)} characters: more than one QR code holds ({MAX_JWS_CHARS})")
    if not _JWS.fullmatch(jws):
        raise MalformedToken("a card must be a compact JWS")


def _build(jws: str, *, box_size: int, border: int) -> qrcode.QRCode[Any]:
    """One QR code at level Q with two explicit segments, byte ``cp:/`` and numeric digits, at the smallest version."""
    digits = qr_text(jws)[len(PREFIX) :]
    code: qrcode.QRCode[Any] = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=box_size, border=border
    )
    code.add_data(QRData(PREFIX.encode("ascii"), mode=_BYTE_MODE))
    code.add_data(QRData(digits.encode("ascii"), mode=_NUMERIC_MODE))
    try:
        code.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError) as exc:
        # qrcode raises ValueError (version 41) or DataOverflowError past version 40; the cap above
        # stops a card first, so this is the one place both are translated, never normally reached.
        raise TokenTooLarge("the card does not fit one QR code") from exc
    return code


def _read_qr_texts(data: bytes) -> list[str]:
    """Open the image with Pillow and read its QR codes with zxing-cpp: the one place their errors become ours."""
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own pixel limit and raises past twice it; both mean "too large" here.
            # (catch_warnings is process-wide: two threads racing here can at worst leave this one
            # filter in place, which turns only this warning into the error we want anyway.)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as opened:
                width, height = opened.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise TokenTooLarge(f"the image has more than {MAX_IMAGE_PIXELS:,} pixels")
                image = _flatten(opened)
        found = zxingcpp.read_barcodes(image, formats=_QR_ONLY)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TokenTooLarge("the image is larger than allowed") from exc
    # Pillow reports a damaged or unknown file as any of these (SyntaxError and struct.error from
    # its parsers of headers); zxing-cpp raises ValueError or RuntimeError for an image it cannot take.
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, RuntimeError) as exc:
        raise MalformedToken("the file is not an image that can be read") from exc
    return list(dict.fromkeys(str(barcode.text) for barcode in found if barcode.valid))


def _flatten(image: Image.Image) -> Image.Image:
    """Greyscale on white: a transparent background would otherwise read as black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")
