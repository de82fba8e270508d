"""Rolling campaigns as a student (and their college) sees them: which campaigns take applications, where an
application stands, and for an admitted case its processing window and what to do before it. Reads only."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from lixiao.clearance import stages
from lixiao.clearance.models import Campaign, CaseStatus, ProcessingWindow, TaskState
from lixiao.rules.models import Item

S = CaseStatus
ON_ROSTER = (S.ACTIVE, S.DEFERRED, S.REMOVED)
APPLICATION = (S.APPLIED, S.COLLEGE_OK, S.RETURNED)


def open_rolling_campaigns(category=None, today=None):
    """Rolling campaigns not closed (no closing day, or one still to come on the Beijing calendar), optionally only
    those taking students of ``category``."""
    today = today or stages.beijing_today()
    qs = Campaign.objects.filter(Q(closes_on__isnull=True) | Q(closes_on__gt=today), kind=Campaign.Kind.ROLLING)
    if category is not None:
        qs = qs.filter(categories=category)
    return qs.order_by("created_at", "pk")


# The days of a window read "<first>–<last>", each written with a Django date format (j day, n month number,
# F month name, Y year): in English the first day is short ("4–6 January 2026"), in Chinese the last one is
# ("2026年1月4日至6日").
# Translators: a Django date format (j day, n month number, F month name, Y year), e.g. "Y年n月j日".
FULL_DATE = pgettext_lazy("date format: a full date", "j F Y")
# Translators: a Django date format for the first day of a window ending in the same month, e.g. "Y年n月j日".
MONTH_FIRST = pgettext_lazy("date format: the first day of a window within one month", "j")
# Translators: a Django date format for the last day of a window starting in the same month, e.g. "j日".
MONTH_LAST = pgettext_lazy("date format: the last day of a window within one month", "j F Y")
# Translators: a Django date format for the first day of a window ending in the same year, e.g. "Y年n月j日".
YEAR_FIRST = pgettext_lazy("date format: the first day of a window within one year", "j F")
# Translators: a Django date format for the last day of a window starting in the same year, e.g. "n月j日".
YEAR_LAST = pgettext_lazy("date format: the last day of a window within one year", "j F Y")


def window_label(window):
    """The window's days and hours in Beijing time, e.g. "4–6 January 2026, 08:30–17:00"."""
    opens, closes = window.opens_at.astimezone(stages.BEIJING), window.closes_at.astimezone(stages.BEIJING)
    first, last = opens.date(), closes.date()
    if first == last or first.year != last.year:
        first_format = last_format = FULL_DATE
    elif first.month == last.month:
        first_format, last_format = MONTH_FIRST, MONTH_LAST
    else:
        first_format, last_format = YEAR_FIRST, YEAR_LAST
    if first == last:
        days = dateformat.format(first, str(first_format))
    else:
        # Translators: a window's first and last days, e.g. "%(first)s至%(last)s".
        days = _("%(first)s–%(last)s") % {
            "first": dateformat.format(first, str(first_format)),
            "last": dateformat.format(last, str(last_format)),
        }
    # Translators: a window's days, then its daily opening and closing times, e.g. "%(days)s %(opens)s–%(closes)s".
    return _("%(days)s, %(opens)s–%(closes)s") % {"days": days, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}


def todo_before_window(tasks):
    """What the student should see to before the window: their own must-do items still open, and every item
    blocked (something recorded against them), certificate collection aside."""
    return [
        t
        for t in tasks
        if not t.item.final
        and (
            t.state == TaskState.BLOCKED
            or (t.state == TaskState.PENDING and t.required and t.item.handler == Item.Handler.STUDENT)
        )
    ]


@dataclass
class WindowInfo:
    windowed: bool
    window: ProcessingWindow | None = None
    label: str = ""
    open_now: bool = False
    todo: list = field(default_factory=list)


def window_info(case, tasks, now=None):
    """For an admitted case of a rolling campaign: the window open now, else the case's own window if still to
    come, else the next one; and what to do before it."""
    now = now or timezone.now()
    info = WindowInfo(windowed=case.campaign.windowed, todo=todo_before_window(tasks))
    if not info.windowed:
        return info
    window = stages.open_window(case.campaign, now)
    if window is None and case.window is not None and case.window.closes_at > now:
        window = case.window
    if window is None:
        window = stages.next_window(case.campaign, now)
    if window is not None:
        info.window, info.label = window, window_label(window)
        info.open_now = window.opens_at <= now < window.closes_at
    return info


@dataclass
class RollingBlock:
    """One rolling campaign on the student's page: their case there (or None) and what they may do."""

    campaign: Campaign
    case: object = None
    can_apply: bool = False
    not_open_yet: bool = False
    window: WindowInfo | None = None
    office: str = ""


def office_name(department):
    """A managing office's name in the page's language."""
    if department is None:
        return ""
    if get_language() == "en" and department.name_en:
        return department.name_en
    return department.name


def rolling_blocks(student, cases, main_case, tasks_of, now=None):
    """The rolling campaigns the page shows apart from the main case: each open one of the student's category
    (with their case there, if any), and their applications still waiting in other rolling campaigns.
    ``tasks_of(case)`` gives an admitted case's tasks."""
    now = now or timezone.now()
    today = stages.beijing_today(now)
    by_campaign = {c.campaign_id: c for c in cases}
    # On a roster already (June's, say): no other campaign is offered; the engine would refuse the application.
    on_a_roster = any(c.status == S.ACTIVE and not stages.closed(c.campaign, today) for c in cases)
    blocks, shown = [], set()
    for campaign in open_rolling_campaigns(student.category_id, today):
        shown.add(campaign.pk)
        case = by_campaign.get(campaign.pk)
        if case is not None and case is main_case:
            continue
        if case is None and on_a_roster:
            continue
        block = RollingBlock(campaign=campaign, case=case)
        if case is None or case.status == S.RETURNED:
            block.can_apply = stages.may(campaign, "roster", today)
            block.not_open_yet = not block.can_apply
        blocks.append(block)
    for case in cases:  # an application still waiting in a campaign closed since, or no longer of their category
        if case is main_case or case.campaign_id in shown or case.status not in (S.APPLIED, S.COLLEGE_OK):
            continue
        blocks.append(RollingBlock(campaign=case.campaign, case=case))
    for block in blocks:
        block.office = office_name((block.case or student).category.office)
        if block.case is not None and block.case.status == S.ACTIVE:
            block.window = window_info(block.case, tasks_of(block.case), now)
    return blocks
