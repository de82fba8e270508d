"""Campus cards as card readers type them: the forms derived from a card's UID, and reading a swipe.

A keyboard-wedge reader "types" the card it reads, in whatever form it is configured for:

======================  ==========================================================  ======================
kind                    what the reader types                                       51E69621 (UID as read)
======================  ==========================================================  ======================
``8H``                  the UID in hexadecimal, bytes in stored order               51E69621
``8H_reversed``         the UID in hexadecimal, bytes reversed                      2196E651
``10D``                 the UID as a decimal number, zero-padded to 10 digits       1374066209
``10D_reversed``        the byte-reversed UID as a decimal number (also what a      0563537489
                        Wiegand-34 reader sends as one number: its 32 data bits)
``W26``                 Wiegand-26 "facility,card": the lower 24 bits of the        150,58961
                        byte-reversed UID, 8 bits + 16 bits
``W26_8D``              those 24 bits as one decimal number, zero-padded to 8       09889361
``W34``                 Wiegand-34 "facility,card": the byte-reversed UID's upper   8598,58961
                        and lower 16 bits
``14H``/``14H_reversed``  a 7-byte UID (no decimal or Wiegand forms), as read or    04A1B2C3D4E580
                        byte-reversed
``face``                the number printed on the card (the campus card account    000118
                        number of the rosters), compared exactly
======================  ==========================================================  ======================

Readers differ in what they add around the number (track-2 sentinels ``;…?``, track-1 ``%``, STX/ETX
framing, CR or CR+LF as Enter, a configured prefix or suffix) and some drop the leading zeros of a
decimal. So values are kept canonical: hexadecimal upper case, decimals without leading zeros, Wiegand
pairs as ``FC,CN`` without leading zeros. :func:`uid_forms` gives a card's canonical forms (to store);
:func:`read` and :func:`interpret` turn what a reader typed into the canonical (kind, value) pairs to look
up, and recognise reads that must not be acted on: two reads run together, the same read twice, a value
that fits no form.

Framework-free (no Django). Messages are plain English; callers say them in their own words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "AUTO",
    "DEFAULT_PROFILE",
    "KINDS",
    "MODES",
    "MalformedRead",
    "Profile",
    "Reading",
    "canonical",
    "display",
    "escape",
    "interpret",
    "normalize_uid",
    "read",
    "uid_forms",
]

HEX = "8H"
HEX_REVERSED = "8H_reversed"
HEX7 = "14H"
HEX7_REVERSED = "14H_reversed"
DEC = "10D"
DEC_REVERSED = "10D_reversed"
W26 = "W26"
W26_8D = "W26_8D"
W34 = "W34"
FACE = "face"

READER_KINDS = (HEX, HEX_REVERSED, HEX7, HEX7_REVERSED, DEC_REVERSED, DEC, W26_8D, W26, W34)
"""Forms derived from the UID, in the order a match is reported when one card matches in several."""
KINDS = (*READER_KINDS, FACE)

AUTO = "auto"
MODES = (AUTO, HEX, HEX_REVERSED, DEC, DEC_REVERSED, W26, W34, FACE)
"""What a station's reader is set to send. ``auto`` tries every form."""

MODE_KINDS = {
    AUTO: READER_KINDS,
    HEX: (HEX, HEX7),
    HEX_REVERSED: (HEX_REVERSED, HEX7_REVERSED),
    DEC: (DEC,),
    DEC_REVERSED: (DEC_REVERSED,),
    W26: (W26, W26_8D),
    W34: (W34, DEC_REVERSED),  # a W34 reader sending one number sends the 32 bits: the 10D_reversed value
    FACE: (),
}

MAX_READ = 64
"""Longer than any card or student number: something pasted, or a reader gone wild."""
MAX_FACE = 40
"""The longest face number (directory.Card.number)."""

ALWAYS_STRIPPED = ";?%"
"""Track-2 start/end sentinels ';' '?', track-1 start sentinel '%'. CR, LF, STX and ETX end a read."""

_FRAME_SPLIT = re.compile(r"[\r\n\x02\x03]+")
_SENTINEL_SPLIT = re.compile(r"[;?%]+")
_HEX8 = re.compile(r"[0-9A-F]{8}")
_HEX14 = re.compile(r"[0-9A-F]{14}")
_DIGITS = re.compile(r"[0-9]+")
_PAIR = re.compile(r"([0-9]{1,5}),([0-9]{1,5})")
_FACE = re.compile(r"[0-9A-Z-]+")
_CARD_SHAPED = re.compile(r"(?=.*[0-9])[0-9A-F]+|[0-9]+,[0-9]+")
_UID_SEPARATORS = re.compile(r"[\s:-]")

RUN_TOGETHER = "run_together"
DOUBLED = "doubled"
NO_FORM = "no_form"
TOO_LONG = "too_long"


@dataclass(frozen=True)
class Profile:
    """How a station's reader is set up: the form it sends (``auto``: try all) and what it adds around it."""

    mode: str = AUTO
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown reader mode {self.mode!r}; one of {', '.join(MODES)}")


DEFAULT_PROFILE = Profile()


class MalformedRead(ValueError):
    """A read that must be refused without any action. ``code`` is one of 'run_together' (two reads in
    one, e.g. '0563537489\\r0058084618'), 'doubled' (the same read twice, no separator), 'no_form' (a
    card-like value no reader form can produce, e.g. two reads' digits run together) or 'too_long'."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


@dataclass(frozen=True)
class Reading:
    """A swipe or a typed line, read.

    ``text``: the cleaned value (NFKC, framing, sentinels, configured affixes and whitespace removed, upper
    case); '' for an empty Enter. ``candidates``: the (kind, canonical value) pairs to look up, best first.
    ``problem``: None or a :class:`MalformedRead` code. ``typed``: the text as a person typed it (for a name
    lookup): NFKC, control characters removed, whitespace collapsed, case kept.
    """

    text: str
    candidates: tuple[tuple[str, str], ...] = ()
    problem: str | None = None
    typed: str = ""
    card_shaped: bool = False


# --------------------------------------------------------------------------------------------------
# The forms of a card


def normalize_uid(value: object) -> str:
    """A UID as stored: upper-case hexadecimal of 4 or 7 bytes, '' for none.

    Full-width characters, spaces, ':' and '-' between bytes are accepted: '51:e6:96:21' -> '51E69621'.
    Raises ValueError for anything else.
    """
    if value is None:
        return ""
    text = _UID_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value))).upper()
    if not text:
        return ""
    if not (_HEX8.fullmatch(text) or _HEX14.fullmatch(text)):
        raise ValueError(f"{text!r} is not a card UID: 8 or 14 hexadecimal digits (4 or 7 bytes) expected")
    return text


def uid_forms(uid: str) -> list[tuple[str, str]]:
    """Every (kind, canonical value) a reader may produce for a card with this UID (see the module's table).

    >>> dict(uid_forms("51E69621"))["W26"]
    '150,58961'
    """
    uid = normalize_uid(uid)
    if not uid:
        return []
    data = bytes.fromhex(uid)
    reversed_hex = data[::-1].hex().upper()
    if len(data) == 7:
        return [(HEX7, uid), (HEX7_REVERSED, reversed_hex)]
    forward = int.from_bytes(data, "big")
    backward = int.from_bytes(data, "little")
    low24 = backward & 0xFFFFFF
    return [
        (HEX, uid),
        (HEX_REVERSED, reversed_hex),
        (DEC_REVERSED, str(backward)),
        (DEC, str(forward)),
        (W26_8D, str(low24)),
        (W26, f"{low24 >> 16},{low24 & 0xFFFF}"),
        (W34, f"{backward >> 16},{backward & 0xFFFF}"),
    ]


def canonical(kind: str, value: object) -> str | None:
    """The canonical value of a form as a file or a reader writes it ('0563537489' -> '563537489',
    '048,07804' -> '48,7804', '2196e651' -> '2196E651'); None if the value cannot be of that kind."""
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()
    return _candidate(kind, text)


def _candidate(kind: str, text: str) -> str | None:
    if kind in (HEX, HEX_REVERSED):
        return text if _HEX8.fullmatch(text) else None
    if kind in (HEX7, HEX7_REVERSED):
        return text if _HEX14.fullmatch(text) else None
    if kind in (DEC, DEC_REVERSED):
        if _DIGITS.fullmatch(text) and len(text) <= 10 and int(text) <= 0xFFFFFFFF:
            return str(int(text))
        return None
    if kind == W26_8D:
        if _DIGITS.fullmatch(text) and len(text) <= 8 and int(text) <= 0xFFFFFF:
            return str(int(text))
        return None
    if kind in (W26, W34):
        pair = _PAIR.fullmatch(text)
        if not pair:
            return None
        facility, number = int(pair.group(1)), int(pair.group(2))
        if number > 0xFFFF or facility > (0xFF if kind == W26 else 0xFFFF):
            return None
        return f"{facility},{number}"
    if kind == FACE:
        return text if len(text) <= MAX_FACE and _FACE.fullmatch(text) else None
    raise ValueError(f"unknown card form {kind!r}")


def display(kind: str, value: str) -> str:
    """A canonical value as readers and registers usually write it: decimals zero-padded to 10 (8 for
    W26_8D) digits, Wiegand-26 as 'FFF,CCCCC': display('10D_reversed', '58084618') == '0058084618'."""
    if kind in (DEC, DEC_REVERSED):
        return value.zfill(10)
    if kind == W26_8D:
        return value.zfill(8)
    if kind == W26:
        facility, number = value.split(",")
        return f"{facility.zfill(3)},{number.zfill(5)}"
    return value


# --------------------------------------------------------------------------------------------------
# Reading a swipe


def _squeeze(text: str) -> str:
    """Every whitespace, control and invisible character removed (NBSP, full-width space, BOM, tab)."""
    return "".join(char for char in text if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf"))


def _strip_affixes(text: str, profile: Profile) -> str:
    """Strip the sentinels and the profile's prefixes and suffixes from both ends, until nothing changes."""
    prefixes = [p for p in (_squeeze(unicodedata.normalize("NFKC", p)) for p in profile.prefixes) if p]
    suffixes = [s for s in (_squeeze(unicodedata.normalize("NFKC", s)) for s in profile.suffixes) if s]
    while True:
        before = text
        text = text.strip(ALWAYS_STRIPPED)
        for prefix in prefixes:
            if text.upper().startswith(prefix.upper()):
                text = text[len(prefix) :]
        for suffix in suffixes:
            if text.upper().endswith(suffix.upper()):
                text = text[: -len(suffix)]
        if text == before:
            return text


def _reader_candidates(text: str, kinds) -> list[tuple[str, str]]:
    found = []
    for kind in kinds:
        value = _candidate(kind, text)
        if value is not None and (kind, value) not in found:
            found.append((kind, value))
    return found


def read(raw: object, profile: Profile = DEFAULT_PROFILE) -> Reading:
    """Read what a reader (or a person) typed at a station with this profile. Never raises.

    >>> read("0563537489\\r").candidates[:2]
    (('10D_reversed', '563537489'), ('10D', '563537489'))
    """
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    if len(_squeeze(text)) > MAX_READ:
        return Reading(text=_squeeze(text)[:MAX_READ].upper(), problem=TOO_LONG)
    typed = " ".join(_squeeze(word) for word in text.split())
    frames = [_strip_affixes(_squeeze(frame), profile) for frame in _FRAME_SPLIT.split(text)]
    frames = [frame.upper() for frame in frames if frame]
    if not frames:
        return Reading(text="")
    if len(frames) > 1:
        return Reading(text="|".join(frames), problem=RUN_TOGETHER)
    value = frames[0]
    if len([part for part in _SENTINEL_SPLIT.split(value) if part]) > 1:  # ';0563537489?;0563537489?'
        return Reading(text=value, problem=RUN_TOGETHER)
    kinds = MODE_KINDS[profile.mode]
    candidates = _reader_candidates(value, kinds)
    card_shaped = bool(_CARD_SHAPED.fullmatch(value))
    problem = None
    if not candidates:
        half = len(value) // 2
        if len(value) % 2 == 0 and half and value[:half] == value[half:] and _reader_candidates(value[:half], kinds):
            problem = DOUBLED
        elif card_shaped and kinds:
            problem = NO_FORM
    if problem == DOUBLED:
        return Reading(text=value, problem=problem, typed=typed, card_shaped=card_shaped)
    face = _candidate(FACE, value)
    if face is not None:
        candidates.append((FACE, face))
    return Reading(text=value, candidates=tuple(candidates), problem=problem, typed=typed, card_shaped=card_shaped)


def interpret(raw: object, profile: Profile = DEFAULT_PROFILE) -> list[tuple[str, str]]:
    """The (kind, canonical value) lookups for a read, best first; [] for an empty Enter.

    Raises :class:`MalformedRead` for reads to refuse: two reads run together, the same read twice, a
    card-like value that fits no form of the profile, an overlong value.
    """
    reading = read(raw, profile)
    if reading.problem:
        raise MalformedRead(reading.problem, reading.text)
    return list(reading.candidates)


def escape(raw: object, limit: int | None = None) -> str:
    """What was typed, printable: CR, LF and tab as \\r \\n \\t, other control and invisible characters
    as \\xNN or \\uNNNN, a backslash doubled; letters (also Chinese) as they are."""
    out = []
    for char in "" if raw is None else str(raw):
        if char == "\\":
            out.append("\\\\")
        elif char in "\r\n\t":
            out.append({"\r": "\\r", "\n": "\\n", "\t": "\\t"}[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") or (char.isspace() and char != " "):
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    text = "".join(out)
    return text if limit is None else text[:limit]
