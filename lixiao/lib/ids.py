"""Normalise the identifiers that people type, paste and swipe: student numbers and campus card numbers.

Framework-free (no Django). Error messages are plain English; callers wrap them for translation.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_STUDENT_NO_LENGTH", "normalize_card_no", "normalize_student_no"]

MAX_STUDENT_NO_LENGTH = 32

_STUDENT_NO_RE = re.compile(r"[A-Za-z0-9-]+")
_CARD_SENTINELS = ";?%"  # magnetic track 1/2 start and end sentinels (STX/ETX go with the control characters)


def _as_text(value: object) -> str:
    """The text of a value: None -> '', an integral number -> its digits (never '2021010001.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("an identifier cannot be a boolean")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def _squeeze(text: str) -> str:
    """NFKC, then every whitespace, control and invisible character removed (NBSP, full-width space,
    BOM, zero-width space, CR/LF, tab)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf"))


def normalize_student_no(value: object) -> str:
    """Return the canonical form of a student number, or '' for an empty value.

    Full-width characters become ASCII (NFKC), whitespace and invisible characters are removed (also
    inside: '2021 010001'), a leading apostrophe (Excel's text marker) is dropped and letters are
    upper-cased: ' ｌｘｂ20220001' -> 'LXB20220001'. Leading zeros are kept.

    Raises ValueError for a value that is not a plausible student number: characters other than
    letters, digits and '-' (for example '2021010001.0' or '9.90001E+18'), or more than 32 characters.
    """
    text = _squeeze(_as_text(value))
    if text.startswith("'"):
        text = text[1:]
    if not text:
        return ""
    if len(text) > MAX_STUDENT_NO_LENGTH:
        raise ValueError(f"student number {text!r} is longer than {MAX_STUDENT_NO_LENGTH} characters")
    if not _STUDENT_NO_RE.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a plausible student number: only letters A-Z, digits 0-9 and '-' are allowed"
        )
    return text.upper()


def normalize_card_no(value: object) -> str:
    """Return a campus card number as a reader or a person typed it, cleaned; '' for an empty value.

    NFKC; whitespace, CR/LF and control characters such as the STX/ETX framing of serial readers
    removed; the track sentinels ';' '?' '%' stripped from both ends: ';0563537489?\\r\\n' becomes
    '0563537489'. Leading zeros are kept ('0058084618' stays). Hexadecimal letters are upper-cased so
    that '2196e651' == '2196E651'.
    """
    return _squeeze(_as_text(value)).strip(_CARD_SENTINELS).upper()
