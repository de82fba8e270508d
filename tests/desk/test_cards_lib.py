"""lixiao.lib.cards without Django: the forms of a UID and how a reader's keystrokes are read."""

import csv

import pytest

from lixiao.lib import cards
from tests.conftest import SAMPLES

FIELD = SAMPLES / "field"


def _register():
    if not (FIELD / "cards_master.csv").exists():
        pytest.skip(f"the field samples are not there ({FIELD})")
    return list(csv.DictReader((FIELD / "cards_master.csv").read_text(encoding="utf-8-sig").splitlines()))


# The file's columns and the kinds they hold (its 8H columns hold the 14 hex digits of a 7-byte UID).
COLUMNS = {
    "8H": cards.HEX,
    "8H_reversed": cards.HEX_REVERSED,
    "10D_forward": cards.DEC,
    "10D_reversed": cards.DEC_REVERSED,
    "W26_FC,CN": cards.W26,
    "W26_8D": cards.W26_8D,
}
SEVEN_BYTES = {cards.HEX: cards.HEX7, cards.HEX_REVERSED: cards.HEX7_REVERSED}
DECIMAL = {cards.DEC, cards.DEC_REVERSED, cards.W26_8D}


def _kind(column, uid):
    kind = COLUMNS[column]
    return SEVEN_BYTES.get(kind, kind) if len(uid) == 14 else kind


def test_every_form_in_the_register_is_derived_from_the_uid():
    rows = _register()
    checked = 0
    for row in rows:
        uid = row["物理卡号UID_hex"]
        forms = dict(cards.uid_forms(uid))
        for column in COLUMNS:
            if row[column]:
                kind = _kind(column, uid)
                assert forms[kind] == cards.canonical(kind, row[column]), (row["学号"], column)
                checked += 1
    assert checked == 4 * 6 + 2
    assert len(rows) == 5


def test_every_form_in_the_register_reads_back_to_its_card():
    """Each value as the file writes it (zero-padded), and with the leading zeros a reader may drop, is
    among the lookups of an auto-mode read, and the card has that (kind, value)."""
    for row in _register():
        uid = row["物理卡号UID_hex"]
        forms = set(cards.uid_forms(uid))
        for column in COLUMNS:
            value, kind = row[column], _kind(column, uid)
            if not value:
                continue
            typings = {value, value.lower()} | ({value.lstrip("0") or "0"} if kind in DECIMAL else set())
            for typed in typings:
                candidates = cards.interpret(typed + "\r")
                assert any(c in forms for c in candidates if c[0] == kind), (row["学号"], column, typed)


@pytest.mark.parametrize(
    ("uid", "expected"),
    [
        (
            "51E69621",
            {
                "8H": "51E69621",
                "8H_reversed": "2196E651",
                "10D": "1374066209",
                "10D_reversed": "563537489",
                "W26": "150,58961",
                "W26_8D": "9889361",
                "W34": "8598,58961",
            },
        ),
        (
            "7C1E3000",
            {
                "8H": "7C1E3000",
                "8H_reversed": "00301E7C",
                "10D": "2082353152",
                "10D_reversed": "3153532",
                "W26": "48,7804",
                "W26_8D": "3153532",
                "W34": "48,7804",
            },
        ),
        ("04a1b2c3d4e580", {"14H": "04A1B2C3D4E580", "14H_reversed": "80E5D4C3B2A104"}),  # 7 bytes: hex only
        ("51:e6:96:21", None),  # separators and lower case accepted
    ],
)
def test_uid_forms(uid, expected):
    forms = dict(cards.uid_forms(uid))
    if expected is None:
        assert forms == dict(cards.uid_forms("51E69621"))
    else:
        assert forms == expected


@pytest.mark.parametrize("bad", ["51E696", "51E6962", "51E69621FF", "GGGGGGGG", "04A1B2C3D4E5", "0563537489"])
def test_a_uid_is_4_or_7_bytes_of_hex(bad):
    with pytest.raises(ValueError):
        cards.normalize_uid(bad)


def test_no_uid_has_no_forms():
    assert cards.normalize_uid("") == cards.normalize_uid(None) == ""
    assert cards.uid_forms("") == []


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("0563537489\r", "10D_reversed", "563537489"),
        ("563537489\r", "10D_reversed", "563537489"),  # a reader configured to drop leading zeros
        ("0563537489\r\n", "10D_reversed", "563537489"),
        (";0563537489?\r", "10D_reversed", "563537489"),  # track-2 sentinels
        ("%0563537489?", "10D_reversed", "563537489"),  # track-1 start sentinel
        ("\x020563537489\x03", "10D_reversed", "563537489"),  # STX/ETX framing
        ("\x02;0563537489?\x03\r\n", "10D_reversed", "563537489"),
        ("  0563537489  ", "10D_reversed", "563537489"),
        ("０５６３５３７４８９\r", "10D_reversed", "563537489"),  # full-width digits from an IME
        ("０５６３５３７４８９\u3000", "10D_reversed", "563537489"),  # and an ideographic space
        ("51E69621\r", "8H", "51E69621"),
        ("2196e651\r", "8H_reversed", "2196E651"),  # lower case
        ("ｅ６５１２１９６\r", "8H", "E6512196"),  # full-width letters
        ("1374066209\r", "10D", "1374066209"),
        ("150,58961\r", "W26", "150,58961"),
        ("150，58961\r", "W26", "150,58961"),  # full-width comma
        ("048,07804\r", "W26", "48,7804"),
        ("09889361\r", "W26_8D", "9889361"),
        ("9889361\r", "W26_8D", "9889361"),
        ("8598,58961\r", "W34", "8598,58961"),
        ("04A1B2C3D4E580\r", "14H", "04A1B2C3D4E580"),
        ("80e5d4c3b2a104\r", "14H_reversed", "80E5D4C3B2A104"),
        ("000118\r", "face", "000118"),  # the face number is compared as printed, leading zeros kept
    ],
)
def test_auto_mode_reads_every_form(raw, kind, value):
    assert (kind, value) in cards.interpret(raw)


def test_auto_mode_lists_the_likeliest_form_first_and_the_face_number_last():
    assert cards.interpret("0563537489\r") == [
        ("10D_reversed", "563537489"),
        ("10D", "563537489"),
        ("face", "0563537489"),
    ]


@pytest.mark.parametrize(
    ("mode", "raw", "expected"),
    [
        ("8H", "51E69621", [("8H", "51E69621"), ("face", "51E69621")]),
        ("8H", "04A1B2C3D4E580", [("14H", "04A1B2C3D4E580"), ("face", "04A1B2C3D4E580")]),
        ("8H_reversed", "2196E651", [("8H_reversed", "2196E651"), ("face", "2196E651")]),
        ("10D", "1374066209", [("10D", "1374066209"), ("face", "1374066209")]),
        ("10D_reversed", "0563537489", [("10D_reversed", "563537489"), ("face", "0563537489")]),
        ("W26", "150,58961", [("W26", "150,58961")]),
        ("W26", "09889361", [("W26_8D", "9889361"), ("face", "09889361")]),
        ("W34", "8598,58961", [("W34", "8598,58961")]),
        ("W34", "0563537489", [("10D_reversed", "563537489"), ("face", "0563537489")]),  # W34 as one number
        ("face", "000118", [("face", "000118")]),
        ("face", "0563537489", [("face", "0563537489")]),
    ],
)
def test_a_station_set_to_one_form_looks_up_only_that_form(mode, raw, expected):
    assert cards.interpret(raw + "\r", cards.Profile(mode=mode)) == expected


def test_a_value_of_another_form_is_refused_in_a_strict_mode():
    with pytest.raises(cards.MalformedRead) as caught:
        cards.interpret("150,58961\r", cards.Profile(mode="10D_reversed"))
    assert caught.value.code == "no_form"


def test_configured_prefixes_and_suffixes_are_stripped():
    profile = cards.Profile(prefixes=("ID:", "#"), suffixes=("/E",))
    assert cards.interpret("ID:0563537489/E\r", profile)[0] == ("10D_reversed", "563537489")
    assert cards.interpret("#;0563537489?/E\r", profile)[0] == ("10D_reversed", "563537489")
    assert cards.interpret("id:0563537489\r", profile)[0] == ("10D_reversed", "563537489")  # any case
    assert cards.read("ID:0563537489/E", cards.Profile()).candidates == ()  # not configured: no card


def test_an_unknown_mode_is_an_error():
    with pytest.raises(ValueError):
        cards.Profile(mode="13D")


@pytest.mark.parametrize("raw", ["", "\r", "\r\n", "\n", ";?\r", "\x02\x03", "  ", None])
def test_an_empty_enter_reads_as_nothing(raw):
    reading = cards.read(raw)
    assert reading.text == "" and reading.candidates == () and reading.problem is None
    assert cards.interpret(raw) == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0563537489\r0058084618", "run_together"),  # two reads, the first one's Enter typed into the box
        ("0563537489\r0058084618\r", "run_together"),
        ("0563537489\r\n0563537489\r\n", "run_together"),  # the same card twice
        ("\x020563537489\x03\x020058084618\x03", "run_together"),
        (";0563537489?;0058084618?", "run_together"),
        ("05635374890563537489", "doubled"),  # the same value twice, no separator
        ("51E6962151E69621\r", "doubled"),
        ("000118000118", "doubled"),
        ("05635374890058084618\r", "no_form"),  # 20 digits: no reader sends that
        ("51E696210A4D7603\r", "no_form"),
        ("0563537489A\r", "no_form"),
        ("9" * 65, "too_long"),
    ],
)
def test_malformed_reads_are_refused(raw, code):
    reading = cards.read(raw)
    assert reading.problem == code
    with pytest.raises(cards.MalformedRead) as caught:
        cards.interpret(raw)
    assert caught.value.code == code


def test_a_value_that_fits_no_reader_form_may_still_be_a_face_or_student_number():
    """'B2020030007' fits no reader form, but is looked up as printed: the desk refuses it only if no card
    or student has that number."""
    reading = cards.read("B2020030007")
    assert reading.problem == "no_form" and reading.candidates == (("face", "B2020030007"),)


def test_a_name_is_no_card():
    reading = cards.read("张伟\r")
    assert reading.problem is None and reading.candidates == () and not reading.card_shaped
    assert cards.read(" Wang  Xiaoming ").typed == "Wang Xiaoming"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("0563537489\r", "0563537489\\r"),
        ("0058084618\r\n", "0058084618\\r\\n"),
        ("\x02;0563537489?\x03", "\\x02;0563537489?\\x03"),
        ("a\\b\tc", "a\\\\b\\tc"),
        ("张伟\u200b", "张伟\\u200b"),
    ],
)
def test_escape_makes_every_keystroke_visible(raw, escaped):
    assert cards.escape(raw) == escaped
    assert cards.escape(raw * 100, limit=200) == cards.escape(raw * 100)[:200]


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("10D_reversed", "58084618", "0058084618"),
        ("W26_8D", "3153532", "03153532"),
        ("W26", "48,7804", "048,07804"),
        ("8H", "0A4D7603", "0A4D7603"),
    ],
)
def test_display_pads_as_registers_write(kind, value, shown):
    assert cards.display(kind, value) == shown
