"""Tests for lixiao.lib.workdays: Chinese working days (the real 2024-2026 notices) and processing windows."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from lixiao.lib.workdays import (
    UnknownYear,
    Window,
    WorkCalendar,
    first_workdays,
    list_windows,
    parse_dates,
    rule_windows,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE, FIVE = time(9, 0), time(17, 0)


def d(text):
    return date.fromisoformat(text)


# --------------------------------------------------------------------------------------------------
# Working days, as the official notices (through chinese_calendar) say


def test_new_year_2026_the_make_up_sunday_is_the_first_working_day():
    cal = WorkCalendar()
    assert [cal.is_workday(d(f"2026-01-0{i}")) for i in range(1, 4)] == [False, False, False]
    assert d("2026-01-04").weekday() == 6 and cal.is_workday(d("2026-01-04"))
    assert first_workdays(cal, 2026, 1, 3) == [d("2026-01-04"), d("2026-01-05"), d("2026-01-06")]


def test_spring_festival_2024_the_make_up_sunday_is_inside_the_window():
    cal = WorkCalendar()
    assert not cal.is_workday(d("2024-02-03"))  # an ordinary Saturday
    assert all(not cal.is_workday(date(2024, 2, day)) for day in range(10, 18))
    assert first_workdays(cal, 2024, 2, 3) == [d("2024-02-01"), d("2024-02-02"), d("2024-02-04")]


def test_national_day_2026_the_make_up_saturday_is_the_third_working_day():
    # Notice of 2026: 1-7 October off, Sunday 20 September and Saturday 10 October worked.
    cal = WorkCalendar()
    assert all(not cal.is_workday(date(2026, 10, day)) for day in range(1, 8))
    assert d("2026-10-10").weekday() == 5 and cal.is_workday(d("2026-10-10"))
    assert not cal.is_workday(d("2026-10-11"))
    assert first_workdays(cal, 2026, 10, 3) == [d("2026-10-08"), d("2026-10-09"), d("2026-10-10")]


def test_february_2026_make_up_saturdays_outside_the_window_change_nothing():
    cal = WorkCalendar()
    assert cal.is_workday(d("2026-02-14")) and cal.is_workday(d("2026-02-28"))
    assert not cal.is_workday(d("2026-02-07"))
    assert first_workdays(cal, 2026, 2, 3) == [d("2026-02-02"), d("2026-02-03"), d("2026-02-04")]


def test_first_workdays_refuses_fewer_than_one():
    with pytest.raises(ValueError, match="at least 1"):
        first_workdays(WorkCalendar(), 2026, 3, 0)


# --------------------------------------------------------------------------------------------------
# Overrides and entered years


def test_an_override_wins_over_the_package():
    cal = WorkCalendar(overrides={d("2026-01-05"): False, d("2026-01-10"): True})
    assert not cal.is_workday(d("2026-01-05"))
    assert cal.is_workday(d("2026-01-10"))
    assert first_workdays(cal, 2026, 1, 3) == [d("2026-01-04"), d("2026-01-06"), d("2026-01-07")]


def test_an_unknown_year_is_refused_not_guessed():
    cal = WorkCalendar(overrides={d("2027-01-01"): False})  # a day alone does not make the year known
    assert cal.knows_year(2026) and not cal.knows_year(2027)
    with pytest.raises(UnknownYear) as err:
        cal.is_workday(d("2027-01-04"))
    assert err.value.year == 2027
    assert "2027" in str(err.value) and "not known" in str(err.value)
    assert cal.is_workday(d("2027-01-01")) is False  # the override itself still answers


def test_an_entered_year_follows_monday_to_friday_except_its_listed_days():
    cal = WorkCalendar(overrides={d("2027-01-01"): False, d("2027-01-03"): True}, entered_years=frozenset({2027}))
    assert cal.knows_year(2027)
    assert not cal.is_workday(d("2027-01-01"))  # Friday, holiday
    assert not cal.is_workday(d("2027-01-02"))  # Saturday
    assert cal.is_workday(d("2027-01-03"))  # Sunday, make-up
    assert cal.is_workday(d("2027-01-04"))  # Monday
    assert first_workdays(cal, 2027, 1, 3) == [d("2027-01-03"), d("2027-01-04"), d("2027-01-05")]


# --------------------------------------------------------------------------------------------------
# Windows from the rule "first n working days of each month"


def test_rule_windows_one_per_month_opening_on_the_first_day_and_closing_on_the_last():
    windows = rule_windows(WorkCalendar(), d("2026-01-15"), d("2026-02-01"), 3, NINE, FIVE, SHANGHAI)
    assert windows == [
        Window(
            opens_at=datetime(2026, 1, 4, 9, tzinfo=SHANGHAI),
            closes_at=datetime(2026, 1, 6, 17, tzinfo=SHANGHAI),
            days=(d("2026-01-04"), d("2026-01-05"), d("2026-01-06")),
        ),
        Window(
            opens_at=datetime(2026, 2, 2, 9, tzinfo=SHANGHAI),
            closes_at=datetime(2026, 2, 4, 17, tzinfo=SHANGHAI),
            days=(d("2026-02-02"), d("2026-02-03"), d("2026-02-04")),
        ),
    ]


def test_window_closes_at_five_beijing_time_whatever_zone_the_moment_is_given_in():
    (window,) = rule_windows(WorkCalendar(), d("2026-01-01"), d("2026-01-31"), 3, NINE, FIVE, SHANGHAI)
    # 17:00 in Beijing (UTC+8) is 09:00 UTC.
    assert window.is_open(datetime(2026, 1, 6, 8, 59, 59, tzinfo=UTC))
    assert not window.is_open(datetime(2026, 1, 6, 9, 0, 0, tzinfo=UTC))
    assert window.is_open(datetime(2026, 1, 6, 3, 59, 59, tzinfo=ZoneInfo("America/New_York")))
    assert not window.is_open(datetime(2026, 1, 4, 0, 59, 59, tzinfo=UTC))  # 08:59:59 Beijing, not yet open
    assert window.is_open(datetime(2026, 1, 4, 1, 0, 0, tzinfo=UTC))


def test_is_open_refuses_a_naive_moment():
    (window,) = rule_windows(WorkCalendar(), d("2026-01-01"), d("2026-01-01"), 3, NINE, FIVE, SHANGHAI)
    with pytest.raises(ValueError, match="aware"):
        window.is_open(datetime(2026, 1, 5, 12, 0))


def test_rule_windows_for_three_known_years_every_month_has_its_days():
    windows = rule_windows(WorkCalendar(), d("2024-01-01"), d("2026-12-31"), 3, NINE, FIVE, SHANGHAI)
    assert len(windows) == 36
    assert all(len(w.days) == 3 and w.days[0].day <= 12 for w in windows)


def test_rule_windows_reaching_an_unknown_year_build_nothing():
    with pytest.raises(UnknownYear) as err:
        rule_windows(WorkCalendar(), d("2026-11-01"), d("2027-02-28"), 3, NINE, FIVE, SHANGHAI)
    assert err.value.year == 2027


def test_rule_windows_refuse_bad_arguments():
    with pytest.raises(ValueError, match="at least 1"):
        rule_windows(WorkCalendar(), d("2026-01-01"), d("2026-01-31"), 0, NINE, FIVE, SHANGHAI)
    with pytest.raises(ValueError, match="before it starts"):
        rule_windows(WorkCalendar(), d("2026-02-01"), d("2026-01-31"), 3, NINE, FIVE, SHANGHAI)


# --------------------------------------------------------------------------------------------------
# Windows from an explicit list of dates


def test_list_windows_merge_consecutive_dates_in_any_order_ignoring_duplicates():
    dates = [d("2026-03-04"), d("2026-03-02"), d("2026-03-03"), d("2026-03-03"), d("2026-03-10"), d("2026-02-28")]
    windows = list_windows(dates, NINE, FIVE, SHANGHAI)
    assert [w.days for w in windows] == [
        (d("2026-02-28"),),
        (d("2026-03-02"), d("2026-03-03"), d("2026-03-04")),
        (d("2026-03-10"),),
    ]
    assert windows[1].opens_at == datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    assert windows[1].closes_at == datetime(2026, 3, 4, 17, tzinfo=SHANGHAI)


def test_list_windows_across_a_month_end_and_of_nothing():
    (window,) = list_windows([d("2026-03-01"), d("2026-02-28")], NINE, FIVE, SHANGHAI)
    assert window.days == (d("2026-02-28"), d("2026-03-01"))
    assert list_windows([], NINE, FIVE, SHANGHAI) == []


def test_list_windows_need_no_calendar_even_for_an_unknown_year():
    (window,) = list_windows([d("2030-05-06"), d("2030-05-07")], NINE, FIVE, SHANGHAI)
    assert window.days == (d("2030-05-06"), d("2030-05-07"))


# --------------------------------------------------------------------------------------------------
# Dates typed by an office


def test_parse_dates_accepts_commas_spaces_and_newlines():
    text = " 2026-03-02, 2026-03-03\n2026-03-04\t2026-03-10,,\r\n2026-03-02 "
    assert parse_dates(text) == [d("2026-03-02"), d("2026-03-03"), d("2026-03-04"), d("2026-03-10"), d("2026-03-02")]
    assert parse_dates("") == []
    assert parse_dates("  \n ") == []


@pytest.mark.parametrize("bad", ["2026-02-30", "2026/03/02", "20260302", "3月2日", "2026-3-2", "tomorrow"])
def test_parse_dates_names_the_bad_token(bad):
    with pytest.raises(ValueError) as err:
        parse_dates(f"2026-03-02, {bad}, 2026-03-04")
    assert repr(bad) in str(err.value)
