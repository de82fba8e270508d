"""The working-day calendar from the database: the package's years, entered notices and corrected days."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from lixiao.lib.workdays import UnknownYear, rule_windows
from lixiao.rules.calendar import work_calendar
from lixiao.rules.models import CalendarDay, CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE, FIVE = time(9, 0), time(17, 0)

pytestmark = pytest.mark.django_db


def january(year):
    return rule_windows(work_calendar(), date(year, 1, 1), date(year, 1, 31), 3, NINE, FIVE, SHANGHAI)


def test_work_calendar_takes_two_queries(django_assert_num_queries):
    CalendarYear.objects.create(year=2027, notice="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    with django_assert_num_queries(2):
        cal = work_calendar()
    assert cal.knows_year(2027)
    assert cal.is_workday(date(2027, 1, 1)) is False


def test_january_2026_window_closes_at_five_beijing_time_whatever_the_server_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    (window,) = january(2026)
    assert window.days == (date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 6))
    assert window.is_open(datetime(2026, 1, 6, 16, 59, 59, tzinfo=SHANGHAI))
    assert not window.is_open(datetime(2026, 1, 6, 17, 0, 0, tzinfo=SHANGHAI))
    assert window.is_open(datetime(2026, 1, 6, 8, 59, 59, tzinfo=UTC))
    assert not window.is_open(datetime(2026, 1, 6, 9, 0, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 1, 6, 16, 59, 59, tzinfo=SHANGHAI), tick=False):
        assert window.is_open(timezone.now())
        assert timezone.localtime().hour == 3  # New York, where the server thinks it is
    with time_machine.travel(datetime(2026, 1, 6, 17, 0, 0, tzinfo=SHANGHAI), tick=False):
        assert not window.is_open(timezone.now())


def test_2027_is_refused_until_its_notice_is_entered():
    with pytest.raises(UnknownYear) as err:
        january(2027)
    assert err.value.year == 2027
    with pytest.raises(UnknownYear):
        rule_windows(work_calendar(), date(2026, 12, 1), date(2027, 1, 31), 3, NINE, FIVE, SHANGHAI)

    # The days alone do not make the year known: the notice must be entered as a whole.
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarDay.objects.create(date=date(2027, 1, 3), is_workday=True, name="调休上班")  # test data, a Sunday
    with pytest.raises(UnknownYear):
        january(2027)

    CalendarYear.objects.create(year=2027, notice="国务院办公厅关于2027年部分节假日安排的通知")
    (window,) = january(2027)
    assert window.days == (date(2027, 1, 3), date(2027, 1, 4), date(2027, 1, 5))
    assert window.opens_at == datetime(2027, 1, 3, 9, tzinfo=SHANGHAI)
    assert window.closes_at == datetime(2027, 1, 5, 17, tzinfo=SHANGHAI)
    windows = rule_windows(work_calendar(), date(2026, 12, 1), date(2027, 2, 28), 3, NINE, FIVE, SHANGHAI)
    assert [w.days[0] for w in windows] == [date(2026, 12, 1), date(2027, 1, 3), date(2027, 2, 1)]


def test_a_day_entered_in_a_known_year_corrects_the_package():
    CalendarDay.objects.create(date=date(2026, 1, 5), is_workday=False, name="test closure")
    (window,) = january(2026)
    assert window.days == (date(2026, 1, 4), date(2026, 1, 6), date(2026, 1, 7))
    assert window.closes_at == datetime(2026, 1, 7, 17, tzinfo=SHANGHAI)


def test_the_admin_lists_the_calendar(admin_client):
    CalendarYear.objects.create(year=2027, notice="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    page = admin_client.get("/admin/rules/calendaryear/")
    assert page.status_code == 200 and "2027年部分节假日" in page.text
    page = admin_client.get("/admin/rules/calendarday/")
    assert page.status_code == 200 and "元旦" in page.text
