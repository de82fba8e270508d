"""Chinese working days and the processing windows built on them.

PhD students are cleared in fixed windows, usually the first three Chinese working days of a month. A
Chinese working day is not simply Monday to Friday: each year the State Council's notice moves holidays
around and turns some weekend days into make-up working days (调休上班). The ``chinese_calendar`` package
knows the notices it was released with (2004-2026 for 1.11.0); for a later year an admin enters the
official notice (a whole-year mark plus the holiday and make-up days), and a single day can be corrected
in any year. A year nobody knows is refused, never guessed.

Framework-free (no Django). Messages are plain English; callers say them in their own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar


class UnknownYear(Exception):
    """The working-day calendar of ``year`` is not known, so nothing is generated for it."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"The working-day calendar of {year} is not known: the chinese_calendar package has no data for it and "
            f"no official holiday notice has been entered for it, so no windows are generated."
        )


class WorkCalendar:
    """Which days are Chinese working days.

    ``overrides`` maps a date to True (a working day, e.g. a make-up weekend day) or False (a holiday) and
    wins over everything. A year in ``entered_years`` has had its official notice entered: its days not in
    ``overrides`` follow Monday to Friday. Other years are asked of ``chinese_calendar``.
    """

    def __init__(self, overrides: dict[date, bool] | None = None, entered_years: frozenset[int] = frozenset()):
        self.overrides = dict(overrides or {})
        self.entered_years = frozenset(entered_years)

    def knows_year(self, year: int) -> bool:
        if year in self.entered_years:
            return True
        try:
            chinese_calendar.is_workday(date(year, 7, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, d: date) -> bool:
        if d in self.overrides:
            return self.overrides[d]
        if d.year in self.entered_years:
            return d.weekday() < 5
        try:
            return chinese_calendar.is_workday(d)
        except NotImplementedError:
            raise UnknownYear(d.year) from None

    def check_years(self, first: int, last: int) -> None:
        """Raise UnknownYear for the first year from ``first`` to ``last`` that is not known."""
        for year in range(first, last + 1):
            if not self.knows_year(year):
                raise UnknownYear(year)


def first_workdays(cal: WorkCalendar, year: int, month: int, n: int) -> list[date]:
    """The first ``n`` working days of the month (never more than the month has)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    days = []
    d = date(year, month, 1)
    while d.month == month and len(days) < n:
        if cal.is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Window:
    """A processing window: open from ``opens_at`` (inclusive) to ``closes_at`` (exclusive)."""

    opens_at: datetime
    closes_at: datetime
    days: tuple[date, ...]

    def is_open(self, at: datetime) -> bool:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("is_open needs an aware datetime")
        return self.opens_at <= at < self.closes_at


def _window(days: list[date], opens: time, closes: time, tz: ZoneInfo) -> Window:
    return Window(
        opens_at=datetime.combine(days[0], opens, tzinfo=tz),
        closes_at=datetime.combine(days[-1], closes, tzinfo=tz),
        days=tuple(days),
    )


def rule_windows(
    cal: WorkCalendar, start: date, end: date, n: int, opens: time, closes: time, tz: ZoneInfo
) -> list[Window]:
    """One window per month from ``start``'s month to ``end``'s month: the month's first ``n`` working days,
    opening at ``opens`` on the first of them and closing at ``closes`` on the last, in ``tz``.

    Every year in the range must be known, or UnknownYear is raised before anything is built.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    cal.check_years(start.year, end.year)
    windows = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days = first_workdays(cal, year, month, n)
        if days:
            windows.append(_window(days, opens, closes, tz))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return windows


def list_windows(dates, opens: time, closes: time, tz: ZoneInfo) -> list[Window]:
    """Windows for an explicit list of dates (any order, duplicates ignored): consecutive dates form one window."""
    windows = []
    run: list[date] = []
    for d in sorted(set(dates)):
        if run and d - run[-1] != timedelta(days=1):
            windows.append(_window(run, opens, closes, tz))
            run = []
        run.append(d)
    if run:
        windows.append(_window(run, opens, closes, tz))
    return windows


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_dates(text: str) -> list[date]:
    """ISO dates (2026-01-05) separated by commas, spaces or newlines, as an office types them, in that order."""
    dates = []
    for token in re.split(r"[\s,，、;；]+", text.strip()):
        if not token:
            continue
        try:
            if not _ISO_DATE.fullmatch(token):
                raise ValueError(token)
            dates.append(date.fromisoformat(token))
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD): {token!r}") from None
    return dates
