"""The reception desk: scan the passport card a person carries, verify it offline, import the full record.

A keyboard-wedge 2D scanner types the card's ``cp:/`` text into the focused scan box and presses Enter, which
submits the form; a webcam or phone photo is an ordinary file upload, read with zxing-cpp. Neither needs
JavaScript or the network: the card verifies against the keys this deployment already trusts. Only the import
calls the issuer (outside any database transaction, as ``POST /v1/imports`` does).

The card's personal data travels in POST bodies alone, never in a URL or a log line. Every scan and import is
audited, refusals too (in a transaction of their own, changing nothing else), so that the person later reads
"HMP Risley reception looked at your card".
"""

from __future__ import annotations

from api.pages.reception.desk import router

__all__ = ["router"]
