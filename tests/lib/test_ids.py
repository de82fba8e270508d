"""Tests for lixiao.lib.ids: student and card numbers as people type, paste and swipe them."""

import codecs
import csv
from pathlib import Path

import pytest

from lixiao.lib.ids import normalize_card_no, normalize_student_no

FIELD_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "field"


# --------------------------------------------------------------------------------------------------
# Student numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021010001", "2021010001"),
        (" 2021010001 \r\n", "2021010001"),
        ("2021010011 ", "2021010011"),
        ("２０２１０１０００１", "2021010001"),  # full-width digits
        ("'2021010001", "2021010001"),  # Excel's text marker
        ("＇2021010001", "2021010001"),  # full-width apostrophe
        ("\ufeff2021010001\u200b", "2021010001"),
        ("\xa02021010001\u3000", "2021010001"),
        ("2021 0100 01", "2021010001"),
        ("0210123456", "0210123456"),  # leading zero kept
        ("LXB20220001", "LXB20220001"),
        ("lxb20220001", "LXB20220001"),
        ("ＬＸＢ２０２２０００１", "LXB20220001"),
        ("S2023020011", "S2023020011"),
        ("LX-2022-01", "LX-2022-01"),
        (2021010001, "2021010001"),
        (2021010001.0, "2021010001"),
        ("", ""),
        ("   ", ""),
        ("'", ""),
        (None, ""),
    ],
)
def test_normalize_student_no(value, expected):
    assert normalize_student_no(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2021010001.0",  # a number that went through a float
        "9.90001E+18",  # Excel's scientific notation
        "王小明",
        "2021/010001",
        "2021_010001",
        "é2021",
        "ß2021",  # upper-cases to 'SS': must be refused before upper-casing
        "A" * 33,
        9.900012345678901e18,  # a float that cannot hold the digits
    ],
)
def test_normalize_student_no_refuses_implausible_values(value):
    with pytest.raises(ValueError, match="student number"):
        normalize_student_no(value)


def test_normalize_student_no_accepts_32_characters():
    assert normalize_student_no("a" * 32) == "A" * 32


def test_normalize_student_no_message_names_the_value():
    with pytest.raises(ValueError) as caught:
        normalize_student_no("2021010001.0")
    assert "'2021010001.0'" in str(caught.value)


# --------------------------------------------------------------------------------------------------
# Card numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0563537489\r", "0563537489"),
        ("0058084618\r\n", "0058084618"),
        (";0563537489?\r", "0563537489"),  # track 2 sentinels
        ("%0563537489?", "0563537489"),  # track 1 start sentinel
        ("\x020563537489\x03", "0563537489"),  # STX/ETX framing
        ("\x02;0563537489?\x03\r\n", "0563537489"),
        ("  0058084618  ", "0058084618"),
        ("０５６３５３７４８９", "0563537489"),  # full-width digits
        ("2196e651", "2196E651"),  # hexadecimal UID in lower case
        ("51E69621", "51E69621"),
        ("000118", "000118"),  # leading zeros kept
        ("\r", ""),  # an empty Enter
        ("\r\n", ""),
        (";?", ""),
        ("", ""),
        (None, ""),
        (1732697, "1732697"),
    ],
)
def test_normalize_card_no(value, expected):
    assert normalize_card_no(value) == expected


def _cards_by_student() -> dict[str, set[str]]:
    text = (FIELD_SAMPLES / "cards_master.csv").read_text(encoding="utf-8-sig")
    return {row["学号"]: {value for value in row.values() if value} for row in csv.DictReader(text.splitlines())}


def _keystrokes() -> list[dict[str, str]]:
    text = (FIELD_SAMPLES / "reader_keystrokes.tsv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def test_reader_keystrokes_sample_normalises_to_register_numbers():
    """Every swipe in the field sample cleans to one of its student's numbers in the card register (up
    to the leading zeros a reader configuration drops); the empty Enter cleans to ''."""
    cards = _cards_by_student()
    swipes = _keystrokes()
    assert len(swipes) == 10
    for swipe in swipes:
        typed = codecs.decode(swipe["raw_keystrokes_escaped"], "unicode_escape")
        assert typed.endswith("\r") or typed.endswith("\r\n")
        number = normalize_card_no(typed)
        assert not set(number) & set(";?%\r\n\x02\x03 "), swipe
        student = swipe["expected_student"]
        if student:
            known = {value.lstrip("0") for value in cards[student]}
            assert number.lstrip("0") in known, swipe
        elif swipe["expected_result"].startswith("empty"):
            assert number == ""
        else:  # the unknown card: a clean number that is nobody's
            assert number == "1234567890"
            assert all(number not in values for values in cards.values())
