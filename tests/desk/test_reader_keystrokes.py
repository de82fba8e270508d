"""Replay of shared/samples/field/reader_keystrokes.tsv: what keyboard-wedge readers typed at two counters.

Set-up:
- The students of field/cards_master.csv are created first (make_student with their student numbers and
  names): ``import_cards`` only attaches cards to students the directory already has (a register carries no
  category or campus), and refuses a row whose student is unknown.
- The register is loaded with ``manage.py import_cards``.
- LIB-1 is a station of the library (m-tsg), FIN-2 a station of the finance office (m-cwc).
- The library's own item, tsg-books, is a blacklist: a student not on the list is 'done' at launch and a listed
  one is 'blocked' — and a swipe clears neither, because a blocked item needs the clerk (the reason has to be
  checked; see test_counter.test_blocked_student_is_shown_not_cleared). Putting the students on the blacklist
  would make the first swipe answer 'blocked', not 'clear'. So, as in a library that also takes back the
  borrowing card at the desk, the test gives the library a counter item, 'library card returned' (tsg-card),
  which a swipe at a clear-on-swipe station clears.

Each line's keystrokes are unescaped and sent as the browser's form would send them: one submission per
Enter, a CR+LF pair being one Enter (the counter page also drops the LF's empty second Enter before it is
sent; the server ignores an empty one anyway). Time is the file's t_ms: django.utils.timezone.now, which the
desk and the engine read, is patched for each submission.
"""

import codecs
import csv
import io
import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent
from lixiao.desk.models import Scan, Station
from lixiao.directory.models import Campus, Category, Department
from lixiao.rules.models import Item, ItemScope
from tests.conftest import SAMPLES, task_of

FIELD = SAMPLES / "field"
START = datetime(2026, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# t_ms -> (how the file's expected_result begins, HTTP status, Scan.result or None for no record, matched_by)
EXPECTED = {
    0: ("clear:", 200, "cleared", "10D_reversed"),
    180: ("ignored:", 204, "ignored", "10D_reversed"),
    3000: ("match:", 200, "already", "8H"),
    6000: ("match:", 200, "already", "8H_reversed"),
    12000: ("match:", 200, "already", "10D_reversed"),
    21000: ("strip track-2", 200, "already", "10D_reversed"),
    27000: ("CR+LF", 200, "cleared", "10D_reversed"),
    27020: ("empty Enter", 204, None, None),
    45000: ("unknown card", 200, "unknown", ""),
    300000: ("re-swipe", 200, "already", "10D_reversed"),
}


def _rows(name, **kwargs):
    path = FIELD / name
    if not path.exists():
        pytest.skip(f"the field samples are not there ({FIELD})")
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), **kwargs))


def submissions(escaped):
    """The form submissions a reader's keystrokes make: one per Enter, CR+LF counting as one."""
    typed = codecs.decode(escaped, "unicode_escape")
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", typed)


def test_submissions_split_at_each_enter():
    assert submissions(r"0563537489\r") == ["0563537489\r"]
    assert submissions(r"0058084618\r\n") == ["0058084618\r\n"]
    assert submissions(r"\r") == ["\r"]
    assert submissions(r"0563537489\r0058084618\r") == ["0563537489\r", "0058084618\r"]


@pytest.fixture
def counters(campaign, make_student, make_user):
    """The register's students and cards, the library's counter item, LIB-1 and FIN-2 with a clerk each."""
    students = {
        row["学号"]: make_student(student_no=row["学号"], name=row["姓名"]) for row in _rows("cards_master.csv")
    }
    call_command("import_cards", str(FIELD / "cards_master.csv"), stdout=io.StringIO())
    library = Department.objects.get(code="m-tsg")
    item = Item.objects.create(code="tsg-card", name="借阅证注销", department=library, method=Item.Method.COUNTER)
    ItemScope.objects.create(item=item, campus=Campus.objects.get(code="M"), category=Category.objects.get(code="UG"))
    finance = Department.objects.get(code="m-cwc")
    stations = {}
    for code, department, clerk in [("LIB-1", library, "lib1"), ("FIN-2", finance, "fin2")]:
        station = Station.objects.create(code=code, name=code, department=department)
        client = Client()
        client.force_login(make_user(clerk, department=department.code))
        stations[code] = (station, client, DeskScope("department", department.pk, "").key)
    return students, stations


def test_replay_reader_keystrokes(settings, counters, launch, campaign):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 1500
    students, stations = counters
    launch(*students.values())
    lines = _rows("reader_keystrokes.tsv", delimiter="\t")
    assert sorted(int(line["t_ms"]) for line in lines) == sorted(EXPECTED)
    cleared = 0
    for line in lines:
        t_ms = int(line["t_ms"])
        begins, status, result, matched_by = EXPECTED[t_ms]
        assert line["expected_result"].startswith(begins), line
        station, client, desk = stations[line["station"]]
        scans_before = Scan.objects.count()
        parts = submissions(line["raw_keystrokes_escaped"])
        assert len(parts) == 1, line  # every line is one physical swipe (or one empty Enter)
        with mock.patch("django.utils.timezone.now", return_value=START + timedelta(milliseconds=t_ms)):
            r = client.post(
                reverse("desk:scan", kwargs={"scope": desk}),
                {"q": parts[0], "station": station.code, "campaign": campaign.code},
            )
        assert r.status_code == status, line
        if result is None:
            assert Scan.objects.count() == scans_before, line
        else:
            assert Scan.objects.count() == scans_before + 1, line
            scan = Scan.objects.latest("id")
            assert (scan.result, scan.matched_by, scan.station) == (result, matched_by, station), line
            assert scan.raw == line["raw_keystrokes_escaped"], line  # the keystrokes, CR/LF visible
            assert scan.created_at == START + timedelta(milliseconds=t_ms)
            expected_student = line["expected_student"] or None
            assert (scan.student.student_no if scan.student else None) == expected_student, line
            if status == 200:
                assert f'data-result="{result}"' in r.text, line
        cleared += result == "cleared"
        assert AuditEvent.objects.filter(action="clear").count() == cleared, line  # one action per swipe

    assert cleared == 2
    for student_no in ("2021010001", "2021010002"):
        assert task_of(students[student_no], "tsg-card").state == "done"
        assert AuditEvent.objects.filter(action="clear", case__student__student_no=student_no).count() == 1
    assert task_of(students["2021010020"], "tsg-card").state == "pending"  # never swiped
    assert list(Scan.objects.filter(station__code="FIN-2").values_list("result", flat=True)) == ["unknown"]


def test_the_w26_value_shared_by_two_cards_asks_the_clerk(settings, counters, launch, campaign):
    """150,58961 (and its 8-digit form 09889361) is the Wiegand-26 of both 王小明's and 张伟's cards: the counter
    does nothing until the clerk picks; the pick then acts as the swipe would have."""
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 1500
    students, stations = counters
    launch(*students.values())
    station, client, desk = stations["LIB-1"]
    url = reverse("desk:scan", kwargs={"scope": desk})
    for value in ("150,58961\r", "09889361\r"):
        r = client.post(url, {"q": value, "station": station.code})
        assert 'data-result="ambiguous"' in r.text
        assert 'data-candidate="2021010001"' in r.text and 'data-candidate="2021010021"' in r.text
        assert 'data-candidate="2021010020"' not in r.text  # the other 张伟
    assert list(Scan.objects.values_list("matched_by", flat=True).order_by("id")) == ["W26", "W26_8D"]
    assert not AuditEvent.objects.filter(action="clear").exists()
    scan = Scan.objects.latest("id")
    r = client.post(
        reverse("desk:pick", kwargs={"scope": desk, "student_no": "2021010021"}),
        {"station": station.code, "scan": scan.pk},
    )
    assert 'data-result="cleared"' in r.text
    assert task_of(students["2021010021"], "tsg-card").state == "done"
    assert task_of(students["2021010001"], "tsg-card").state == "pending"
    scan.refresh_from_db()
    assert scan.student == students["2021010021"]
    # The same scan cannot be used to clear a second student.
    r = client.post(
        reverse("desk:pick", kwargs={"scope": desk, "student_no": "2021010001"}),
        {"station": station.code, "scan": scan.pk},
    )
    assert 'data-result="shown"' in r.text
    assert task_of(students["2021010001"], "tsg-card").state == "pending"


def test_a_seven_byte_card_is_read_in_hex(settings, counters, launch):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0
    students, stations = counters
    launch(*students.values())
    station, client, desk = stations["LIB-1"]
    r = client.post(reverse("desk:scan", kwargs={"scope": desk}), {"q": "80e5d4c3b2a104\r", "station": station.code})
    assert 'data-result="cleared"' in r.text and "孙浩然" in r.text
    assert Scan.objects.get().matched_by == "14H_reversed"
