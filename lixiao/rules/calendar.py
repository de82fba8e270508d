"""The working-day calendar as the database says it: the package's calendar plus the official notices entered."""

from lixiao.lib.workdays import WorkCalendar
from lixiao.rules.models import CalendarDay, CalendarYear


def work_calendar() -> WorkCalendar:
    """The calendar from the CalendarDay rows (holidays and make-up days, winning in any year) and the years whose
    official notice has been entered (CalendarYear), in two queries."""
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    entered_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, entered_years=entered_years)
