"""Card readers at the counter: every form of a card finds its student in one query, one swipe is one action,
malformed reads are refused without any action, and a station's reader profile is honoured."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent
from lixiao.desk import services
from lixiao.desk.models import Scan, Station
from lixiao.directory.models import Card, CardForm, College, Department
from lixiao.lib import cards
from tests.conftest import task_of


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English wording of the refusals."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def give_card(student, number, uid, active=True):
    card = Card.objects.create(number=number, uid=uid, student=student, active=active)
    CardForm.objects.rebuild([card])
    return card


@pytest.fixture
def it(campaign, make_user, client):
    """The IT centre's counter (its item wx-account is a counter item) with a clerk logged in."""
    department = Department.objects.get(code="m-wxzx")
    station = Station.objects.create(code="IT-1", name="IT 1", department=department)
    client.force_login(make_user("it", department="m-wxzx"))
    return station, DeskScope("department", department.pk, "").key


def swipe(client, desk, value, station=None, at=None):
    data = {"q": value}
    if station is not None:
        data["station"] = station.code
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        return client.post(reverse("desk:scan", kwargs={"scope": desk}), data)


def test_the_same_card_in_another_form_within_a_moment_is_one_swipe(client, settings, it, make_student, launch):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 1500
    station, desk = it
    s = make_student()
    give_card(s, "000118", "51E69621")
    launch(s)
    t0 = timezone.now()
    assert 'data-result="cleared"' in swipe(client, desk, "0563537489\r", station, t0).text
    r = swipe(client, desk, "51E69621\r", station, t0 + timedelta(milliseconds=300))  # the reader sent it twice
    assert r.status_code == 204
    r = swipe(client, desk, "150,58961\r", station, t0 + timedelta(milliseconds=900))
    assert r.status_code == 204
    r = swipe(client, desk, "2196E651\r", station, t0 + timedelta(seconds=5))
    assert 'data-result="already"' in r.text
    assert list(Scan.objects.order_by("id").values_list("matched_by", "result", "student")) == [
        ("10D_reversed", "cleared", s.pk),
        ("8H", "ignored", s.pk),
        ("W26", "ignored", s.pk),
        ("8H_reversed", "already", s.pk),
    ]
    assert AuditEvent.objects.filter(action="clear").count() == 1


def test_another_station_is_another_swipe(client, settings, it, make_student, launch):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 60_000
    station, desk = it
    other = Station.objects.create(code="IT-2", name="IT 2", department=station.department)
    s = make_student()
    give_card(s, "000118", "51E69621")
    launch(s)
    swipe(client, desk, "0563537489", station)
    r = swipe(client, desk, "0563537489", other)
    assert 'data-result="already"' in r.text


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("0563537489\r0058084618", "Two reads came in as one"),
        ("05635374890563537489\r", "The same number came twice"),
        ("05635374890058084618\r", "is no card number this reader can send"),
        (";0563537489?;0058084618?", "Two reads came in as one"),
    ],
)
def test_malformed_reads_are_refused_without_any_action(client, it, make_student, launch, raw, says):
    station, desk = it
    a, b = make_student(), make_student()
    give_card(a, "000118", "51E69621")
    give_card(b, "000119", "0A4D7603")
    launch(a, b)
    r = swipe(client, desk, raw, station)
    assert 'data-result="refused"' in r.text and says in r.text
    assert not AuditEvent.objects.filter(action="clear").exists()
    scan = Scan.objects.get()
    assert (scan.result, scan.student, scan.raw) == ("refused", None, cards.escape(raw))


def test_a_student_number_that_fits_no_card_form_is_still_looked_up(client, it, make_student, launch):
    station, desk = it
    s = make_student(student_no="B2020030007")
    launch(s)
    r = swipe(client, desk, "b2020030007", station)
    assert 'data-result="shown"' in r.text and s.name in r.text
    assert task_of(s, "wx-account").state == "pending"  # typed: looked up, not cleared
    assert Scan.objects.get().matched_by == "student_no"


def test_full_width_digits_from_an_ime_and_dropped_zeros_find_the_card(client, settings, it, make_student, launch):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0
    station, desk = it
    s = make_student()
    give_card(s, "000119", "0A4D7603")
    launch(s)
    assert 'data-result="cleared"' in swipe(client, desk, "００５８０８４６１８", station).text
    assert 'data-result="already"' in swipe(client, desk, "58084618", station).text
    assert 'data-result="already"' in swipe(client, desk, "118,19722", station).text
    assert 'data-result="already"' in swipe(client, desk, "7752970", station).text


def test_an_inactive_card_is_unknown(client, it, make_student, launch):
    station, desk = it
    s = make_student()
    give_card(s, "000118", "51E69621", active=False)
    launch(s)
    r = swipe(client, desk, "0563537489", station)
    assert 'data-result="unknown"' in r.text and "0563537489" in r.text


def test_a_station_set_to_8h_does_not_take_decimals(client, settings, it, make_student, launch):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0
    station, desk = it
    station.reader_mode = Station.ReaderMode.HEX
    station.strip_prefixes = "ID:"
    station.save(update_fields=["reader_mode", "strip_prefixes"])
    s = make_student()
    give_card(s, "000118", "51E69621")
    launch(s)
    r = swipe(client, desk, "0563537489", station)
    assert 'data-result="refused"' in r.text and "no card number this reader can send" in r.text
    assert 'data-result="unknown"' in swipe(client, desk, "2196E651", station).text  # reversed: not this reader
    assert 'data-result="cleared"' in swipe(client, desk, "ID:51E69621\r", station).text
    assert 'data-result="already"' in swipe(client, desk, "000118", station).text  # the face number, typed


def test_the_card_of_another_colleges_student_is_unknown_at_a_college_desk(client, make_student, launch, make_user):
    mine = make_student(college="化工学院")
    other = make_student(college="物理学院")
    give_card(mine, "000118", "51E69621")
    give_card(other, "000119", "0A4D7603")
    launch(mine, other)
    client.force_login(make_user("col", college="化工学院"))
    desk = DeskScope("college", College.objects.get(code="化工学院").pk, "").key
    assert mine.student_no in swipe(client, desk, "0563537489").text
    assert 'data-result="unknown"' in swipe(client, desk, "0058084618").text


def test_a_lookup_is_one_query_whatever_the_number_of_cards(make_student, campaign):
    s = make_student()
    scope = DeskScope("department", Department.objects.get(code="m-wxzx").pk, "")
    uids = [f"{0x10000000 + i:08X}" for i in range(12)]
    for i, uid in enumerate(uids):
        give_card(s, f"9{i:06d}", uid)

    def queries(value):
        with CaptureQueriesContext(connection) as ctx:
            found = services.lookup(scope=scope, reading=cards.read(value))
        return found, len(ctx.captured_queries)

    found, n = queries(uids[7])
    assert (found.students, found.matched_by, n) == ([s], "8H", 1)
    assert found.card_id == Card.objects.get(uid=uids[7]).pk
    found, n = queries("9000003")  # a face number (also a possible decimal form)
    assert (found.students, found.matched_by, n) == ([s], "face", 1)
    found, n = queries(s.student_no)
    assert (found.students, found.matched_by, n) == ([s], "student_no", 1)
    found, n = queries("1234567890")
    assert (found.students, n) == ([], 1)


def test_find_students_keeps_its_shape_for_other_desks(make_student, reference):
    s = make_student(name="欧阳娜娜")
    give_card(s, "000118", "51E69621")
    scope = DeskScope("department", Department.objects.get(code="m-wxzx").pk, "")
    assert services.find_students(scope=scope, text="2196E651\r") == ([s], "8H_reversed")
    assert services.find_students(scope=scope, text="欧阳") == ([s], "name")
    assert services.find_students(scope=scope, text="0563537489\r0058084618") == ([], "")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reads_of_one_swipe_racing_act_once(settings, make_student, launch, make_user):
    """A reader that sends the card twice, in two forms, as two requests at the same moment: the station lock
    makes them take turns, and the second is ignored as the same card."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 60_000
    s = make_student()
    give_card(s, "000118", "51E69621")
    launch(s)
    department = Department.objects.get(code="m-wxzx")
    station = Station.objects.create(code="IT-1", name="IT 1", department=department)
    desk = DeskScope("department", department.pk, "").key
    clients = []
    for name in ("a", "b"):
        c = Client()
        c.force_login(make_user(f"it-{name}", department="m-wxzx"))
        clients.append(c)
    barrier = threading.Barrier(2)
    statuses = []

    def read(c, value):
        barrier.wait()
        try:
            statuses.append(c.post(reverse("desk:scan", kwargs={"scope": desk}), {"q": value, "station": "IT-1"}))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=read, args=(clients[0], "0563537489\r")),
        threading.Thread(target=read, args=(clients[1], "51E69621\r")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in statuses) == [200, 204]
    assert AuditEvent.objects.filter(action="clear").count() == 1
    assert sorted(Scan.objects.values_list("result", flat=True)) == ["cleared", "ignored"]
    assert station.pk
