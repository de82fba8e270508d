"""A batch campaign's stages and what may be done in each; a rolling campaign's processing windows.

The stage of a campaign follows from its dates, read on the Beijing calendar day (Asia/Shanghai) whatever the
server's time zone. A campaign without dates is unscheduled: nothing is gated by stage (launch still comes first).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import Campaign, ProcessingWindow

BEIJING = ZoneInfo("Asia/Shanghai")

Stage = Campaign.Stage

# The stage dates in order: (stage, the Campaign field holding the day it starts).
STAGE_FIELDS = [
    (Stage.ROSTER, "roster_from"),
    (Stage.DATA, "data_from"),
    (Stage.LAUNCH, "launch_on"),
    (Stage.PROCESSING, "processing_from"),
    (Stage.DEPARTURE, "departure_on"),
    (Stage.CLOSED, "closes_on"),
]

# What may be done in which stage. The roster may change until departure (late additions, deferrals); lists
# are uploaded from data preparation on; counters, approvals and the student's own items work from the launch;
# certificates are handed out in processing and departure. Nothing changes once the campaign is closed.
ALLOWED = {
    "roster": {Stage.ROSTER, Stage.DATA, Stage.LAUNCH, Stage.PROCESSING, Stage.DEPARTURE},
    "lists": {Stage.DATA, Stage.LAUNCH, Stage.PROCESSING, Stage.DEPARTURE},
    "launch": {Stage.LAUNCH, Stage.PROCESSING},
    "desk": {Stage.LAUNCH, Stage.PROCESSING, Stage.DEPARTURE},
    "portal": {Stage.LAUNCH, Stage.PROCESSING, Stage.DEPARTURE},
    "certificates": {Stage.PROCESSING, Stage.DEPARTURE},
}

ACTION_LABELS = {
    "roster": gettext_lazy("Changing the roster"),
    "lists": gettext_lazy("Uploading lists"),
    "launch": gettext_lazy("Launching the campaign"),
    "desk": gettext_lazy("Clearing students at counters and desks"),
    "portal": gettext_lazy("Doing one's own items online"),
    "certificates": gettext_lazy("Handing out certificates"),
}


def beijing_today(now=None):
    return (now or timezone.now()).astimezone(BEIJING).date()


def scheduled(campaign):
    return any(getattr(campaign, f) for _s, f in STAGE_FIELDS)


def current_stage(campaign, today=None):
    """The stage the campaign is in today (Beijing), None when it has no dates, "" before its first stage."""
    if not scheduled(campaign):
        return None
    today = today or beijing_today()
    stage = ""
    for s, f in STAGE_FIELDS:
        start = getattr(campaign, f)
        if start and start <= today:
            stage = s
    return stage


def stage_plan(campaign, today=None):
    """[(stage, label, starts, ends, is_current)] for the campaign page, ends being the day before the next start."""
    current = current_stage(campaign, today)
    rows = []
    dated = [(s, getattr(campaign, f)) for s, f in STAGE_FIELDS]
    for i, (s, start) in enumerate(dated):
        later = [d for _s, d in dated[i + 1 :] if d]
        end = later[0] - timedelta(days=1) if later and start else None
        rows.append((s, Stage(s).label, start, end, s == current))
    return rows


def closed(campaign, today=None):
    """Whether the campaign's closing day has come (Beijing calendar)."""
    return bool(campaign.closes_on and campaign.closes_on <= (today or beijing_today()))


def may(campaign, action, today=None):
    stage = current_stage(campaign, today)
    if stage is None:
        return True
    return stage in ALLOWED[action]


def check_stage(campaign, action, today=None):
    """Refuse an action the campaign's current stage does not allow, saying when it is allowed."""
    stage = current_stage(campaign, today)
    if stage is None or stage in ALLOWED[action]:
        return
    allowed = [Stage(s).label for s, _f in STAGE_FIELDS if s in ALLOWED[action]]
    now_label = Stage(stage).label if stage else _("not started")
    raise ClearanceError(
        code="stage_closed",
        message=_("%(campaign)s is in the stage “%(stage)s”. %(action)s is possible only during: %(allowed)s.")
        % {
            "campaign": campaign.name,
            "stage": now_label,
            "action": ACTION_LABELS[action],
            # Translators: the separator between stage names in a list ("、" in Chinese).
            "allowed": _(", ").join(str(a) for a in allowed),
        },
    )


def refusal(campaign, action, today=None):
    """What check_stage would say about the action, for a page to show before anyone tries it ("" if allowed)."""
    try:
        check_stage(campaign, action, today)
    except ClearanceError as exc:
        return exc.message
    return ""


# --- rolling campaigns: windows ---------------------------------------------------------------------------


def is_open(window, campaign, at):
    """A window from the rule or a list is open on its days during the campaign's hours (Beijing time), not
    through the nights and weekends between them; an extra window (no days) is open throughout."""
    if not window.opens_at <= at < window.closes_at:
        return False
    if not window.days:
        return True
    local = at.astimezone(BEIJING)
    return local.date().isoformat() in window.days and campaign.window_opens <= local.time() < campaign.window_closes


def next_opening(window, campaign, at):
    """When the window next opens after ``at``: its opening, or the start of its next day's hours."""
    for day in window.days or []:
        start = datetime.combine(date.fromisoformat(day), campaign.window_opens, tzinfo=BEIJING)
        if start > at:
            return max(start, window.opens_at)
    return window.opens_at


def open_window(campaign, at=None):
    """The processing window open now (or at ``at``), or None."""
    at = at or timezone.now()
    spans = ProcessingWindow.objects.filter(campaign=campaign, opens_at__lte=at, closes_at__gt=at)
    return next((w for w in spans if is_open(w, campaign, at)), None)


def next_window(campaign, at=None):
    """The window open now, else the next one to open (one whose days are not over counts), else None."""
    at = at or timezone.now()
    return open_window(campaign, at) or (
        ProcessingWindow.objects.filter(campaign=campaign, closes_at__gt=at).order_by("opens_at").first()
    )


def check_window(campaign, at=None):
    """Departments act on a windowed rolling campaign's cases only while a window is open."""
    if not campaign.windowed or open_window(campaign, at):
        return
    at = at or timezone.now()
    upcoming = next_window(campaign, at)
    if upcoming:
        message = _("Rolling cases are processed only in windows; the next opens %(opens)s and closes %(closes)s.") % {
            "opens": f"{next_opening(upcoming, campaign, at).astimezone(BEIJING):%Y-%m-%d %H:%M}",
            "closes": f"{upcoming.closes_at.astimezone(BEIJING):%Y-%m-%d %H:%M}",
        }
    else:
        message = _("Rolling cases are processed only in windows, and no window is planned: ask the office.")
    raise ClearanceError(code="outside_window", message=message)
