"""The engine for a case as a whole and for the campaign's calendar: rolling applications (apply, college approval,
the office's review), status changes after launch (deferral, removal, restoring), processing windows and stage
extensions. Same rules as services.py: keyword arguments, the actor passed, one transaction, rows locked, an audit
event written in the same transaction, refusals as ClearanceError.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.clearance import stages
from lixiao.clearance.audit import label_for
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import (
    AuditEvent,
    Campaign,
    Case,
    CaseStatus,
    Channel,
    ProcessingWindow,
    Task,
    TaskState,
    WindowRule,
)
from lixiao.clearance.services import _checked_reason, launch_campaign, rebuild_tasks
from lixiao.lib import workdays
from lixiao.lib.text import plain_text

S = CaseStatus
MAX_EXTRA_DAYS = 31


@dataclass
class CaseChange:
    case: Case
    changed: bool
    message: str = ""


def _case_event(case, action, before, actor, channel, actor_label="", reason="", detail=None, now=None):
    return AuditEvent.objects.create(
        campaign_id=case.campaign_id,
        case=case,
        action=action,
        state_before=before,
        state_after=case.status,
        reason=reason or "",
        channel=channel,
        actor=actor,
        actor_label=label_for(actor, actor_label),
        detail=detail or {},
        created_at=now or timezone.now(),
    )


def _locked_case(case):
    return Case.objects.select_for_update(of=("self",)).select_related("campaign", "student").get(pk=case.pk)


def _set_status(case, status, reason, now):
    case.status, case.status_reason, case.status_changed_at = status, reason, now
    case.save(update_fields=["status", "status_reason", "status_changed_at", "window"])


# --- status changes after launch --------------------------------------------------------------------------

STATUS_ACTIONS = {S.DEFERRED: "defer", S.REMOVED: "remove", S.ACTIVE: "restore"}


@transaction.atomic
def case_set_status(*, case, status, actor, channel, reason, actor_label=""):
    """Defer a student's graduation, take them off the roster, or put them back (restore).

    Deferring or removing closes the open tasks (pending, blocked) as not needed, with the reason, audited;
    done and waived work stays. Restoring reopens what was closed that way and adds what is missing.
    """
    reason = _checked_reason(reason, _("Give a reason for the change."))
    case = _locked_case(case)
    if status not in STATUS_ACTIONS:
        raise ClearanceError(code="bad_status", message=_("A case can be deferred, removed or restored."))
    before = case.status
    if before == status:
        return CaseChange(case=case, changed=False, message=_("Nothing to change: the case is already so."))
    if before not in (S.ACTIVE, S.DEFERRED, S.REMOVED):
        raise ClearanceError(
            code="not_on_roster",
            message=_("This is an application (%(status)s): decide on it instead.")
            % {"status": case.get_status_display()},
        )
    stages.check_stage(case.campaign, "roster")
    now = timezone.now()
    _set_status(case, status, reason, now)
    prefix = {S.DEFERRED: _("Graduation deferred"), S.REMOVED: _("Removed from the roster")}.get(status)
    closed, reopened = rebuild_tasks(
        campaign=case.campaign,
        cases=[case],
        actor=actor,
        actor_label=actor_label,
        why={case.pk: {"cause": STATUS_ACTIONS[status], "from": before, "to": status}},
        close_reason=f"{prefix}: {reason}"[:255] if prefix else "",
    )
    created = 0
    if status == S.ACTIVE and case.campaign.launched_at:
        created = launch_campaign(campaign=case.campaign, actor=actor, actor_label=actor_label).tasks_created
    _case_event(
        case,
        STATUS_ACTIONS[status],
        before,
        actor,
        channel,
        actor_label,
        reason,
        {"tasks_closed": closed, "tasks_reopened": reopened, "tasks_created": created},
        now,
    )
    return CaseChange(
        case=case, changed=True, message=_("Changed: %(status)s.") % {"status": case.get_status_display()}
    )


# --- rolling campaigns: apply, approve, review ------------------------------------------------------------


@transaction.atomic
def case_apply(*, campaign, student, actor, channel, note="", actor_label="", by_college=False):
    """A student (or their college on their behalf) applies to a rolling campaign. Applying twice changes
    nothing; a returned application may be sent again. ``by_college``: the college itself applies, which is its
    approval too (audited as two events)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.rolling:
        raise ClearanceError(code="not_rolling", message=_("Students do not apply to this campaign."))
    if not campaign.categories.filter(pk=student.category_id).exists():
        raise ClearanceError(
            code="wrong_category",
            message=_("%(campaign)s is not for %(category)s students.")
            % {"campaign": campaign.name, "category": student.category.name},
        )
    stages.check_stage(campaign, "roster")
    elsewhere = (
        Case.objects.filter(student=student, status=S.ACTIVE).exclude(campaign=campaign).select_related("campaign")
    )
    elsewhere = next((c for c in elsewhere if not stages.closed(c.campaign)), None)
    if elsewhere is not None:
        raise ClearanceError(
            code="active_elsewhere",
            message=_(
                "%(student)s is on the roster of %(campaign)s: that campaign's office defers or removes them there "
                "first."
            )
            % {"student": student.display_name, "campaign": elsewhere.campaign.name},
        )
    note = plain_text(note)[:255]
    now = timezone.now()
    case = Case.objects.select_for_update().filter(campaign=campaign, student=student).first()
    if case is not None and case.status != S.RETURNED:
        return CaseChange(
            case=case, changed=False, message=_("Already applied: %(status)s.") % {"status": case.get_status_display()}
        )
    before = case.status if case else ""
    if case is None:
        case = Case(
            campaign=campaign,
            student=student,
            campus_id=student.campus_id,
            category_id=student.category_id,
            college_id=student.college_id,
        )
    else:  # the application is sent again with the student's present campus and category
        case.campus_id, case.category_id, case.college_id = student.campus_id, student.category_id, student.college_id
    case.status, case.status_reason, case.status_changed_at = S.APPLIED, note, now
    if case.pk:
        case.save(update_fields=["campus", "category", "college", "status", "status_reason", "status_changed_at"])
    else:
        case.save()
    _case_event(case, "apply", before, actor, channel, actor_label, note, None, now)
    if not campaign.college_approval or by_college:
        return _college_ok(case, actor, channel, actor_label, now)
    return CaseChange(case=case, changed=True, message=_("Application sent: the college decides next."))


def _college_ok(case, actor, channel, actor_label, now):
    before = case.status
    _set_status(case, S.COLLEGE_OK, "", now)
    _case_event(case, "college_ok", before, actor, channel, actor_label, "", None, now)
    if not case.campaign.office_review:
        return _admit(case, actor, channel, actor_label, now)
    return CaseChange(case=case, changed=True, message=_("Approved: the office reviews next."))


def _admit(case, actor, channel, actor_label, now):
    before = case.status
    case.window = stages.next_window(case.campaign, now) if case.campaign.windowed else None
    _set_status(case, S.ACTIVE, "", now)
    detail = {"window_id": case.window_id}
    if case.window:
        detail["window"] = str(case.window)
    _case_event(case, "admit", before, actor, channel, actor_label, "", detail, now)
    launch_campaign(campaign=case.campaign, actor=actor, actor_label=actor_label)
    if case.window:
        opens = case.window.opens_at.astimezone(stages.BEIJING)
        return CaseChange(
            case=case,
            changed=True,
            message=_("Admitted: processed in the window from %(opens)s.") % {"opens": f"{opens:%Y-%m-%d %H:%M}"},
        )
    if case.campaign.windowed:  # no window planned: the departments cannot act until the office opens one
        return CaseChange(
            case=case,
            changed=True,
            message=_("Admitted, but no processing window is planned: generate or open one for the departments."),
        )
    return CaseChange(case=case, changed=True, message=_("Admitted: the departments can process the case."))


def _decide(case, *, waiting, actor, approve, reason, channel, actor_label, step):
    case = _locked_case(case)
    stages.check_stage(case.campaign, "roster")
    if case.status != waiting:
        return CaseChange(
            case=case,
            changed=False,
            message=_("Nothing to decide here now: %(status)s.") % {"status": case.get_status_display()},
        )
    now = timezone.now()
    if not approve:
        reason = _checked_reason(reason, _("Give a reason for returning the application."))
        _set_status(case, S.RETURNED, reason, now)
        _case_event(case, "return", waiting, actor, channel, actor_label, reason, None, now)
        return CaseChange(case=case, changed=True, message=_("Returned to the student."))
    return step(case, actor, channel, actor_label, now)


@transaction.atomic
def case_college_decision(*, case, actor, approve, reason="", channel=Channel.APPROVAL, actor_label=""):
    """The college approves an application (it goes to the office) or returns it with a reason."""
    return _decide(
        case,
        waiting=S.APPLIED,
        actor=actor,
        approve=approve,
        reason=reason,
        channel=channel,
        actor_label=actor_label,
        step=_college_ok,
    )


@transaction.atomic
def case_review(*, case, actor, approve, reason="", channel=Channel.ADMIN, actor_label=""):
    """The managing office (the graduate school) admits an application approved by the college: the case gets its
    tasks and joins the window open now or the next one. Or returns it with a reason."""
    return _decide(
        case,
        waiting=S.COLLEGE_OK,
        actor=actor,
        approve=approve,
        reason=reason,
        channel=channel,
        actor_label=actor_label,
        step=_admit,
    )


# --- windows ---------------------------------------------------------------------------------------------


def _unknown_year(exc):
    return ClearanceError(
        code="unknown_year",
        message=_(
            "The working-day calendar of %(year)s is not known: enter that year's official holiday notice "
            "(Calendar years in the administration) first. No windows were generated."
        )
        % {"year": exc.year},
    )


@transaction.atomic
def windows_generate(*, campaign, year, actor, actor_label=""):
    """Create the campaign's processing windows for a year from its rule (first N working days of each month on
    the Chinese working-day calendar) or its list of dates. Windows that exist are kept; nothing is guessed: a
    year whose calendar is unknown is refused whole. Returns the windows created."""
    from lixiao.rules.calendar import work_calendar

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if year < stages.beijing_today().year:
        raise ClearanceError(code="past_year", message=_("%(year)s is over: no windows for it.") % {"year": year})
    if campaign.window_rule != WindowRule.NONE and campaign.window_opens >= campaign.window_closes:
        raise ClearanceError(
            code="bad_window_rule", message=_("Windows must close later in the day than they open: correct the hours.")
        )
    if campaign.window_rule == WindowRule.WORKDAYS and campaign.window_workdays < 1:
        raise ClearanceError(
            code="bad_window_rule", message=_("A window needs at least one working day: correct the rule.")
        )
    if campaign.window_rule == WindowRule.WORKDAYS:
        try:
            planned = workdays.rule_windows(
                work_calendar(),
                datetime(year, 1, 1).date(),
                datetime(year, 12, 31).date(),
                campaign.window_workdays,
                campaign.window_opens,
                campaign.window_closes,
                stages.BEIJING,
            )
        except workdays.UnknownYear as exc:
            raise _unknown_year(exc) from None
        source = ProcessingWindow.Source.RULE
    elif campaign.window_rule == WindowRule.DATES:
        try:
            dates = [d for d in workdays.parse_dates(campaign.window_dates) if d.year == year]
        except ValueError as exc:
            raise ClearanceError(code="bad_dates", message=str(exc)) from None
        planned = workdays.list_windows(dates, campaign.window_opens, campaign.window_closes, stages.BEIJING)
        source = ProcessingWindow.Source.LIST
    else:
        raise ClearanceError(code="no_window_rule", message=_("This campaign has no window rule: set one first."))
    existing = set(ProcessingWindow.objects.filter(campaign=campaign).values_list("opens_at", flat=True))
    created = ProcessingWindow.objects.bulk_create(
        [
            ProcessingWindow(
                campaign=campaign,
                opens_at=w.opens_at,
                closes_at=w.closes_at,
                days=[d.isoformat() for d in w.days],
                source=source,
                created_by=actor,
            )
            for w in planned
            if w.opens_at not in existing
        ]
    )
    AuditEvent.objects.create(
        campaign=campaign,
        action="windows",
        channel=Channel.ADMIN,
        actor=actor,
        actor_label=label_for(actor, actor_label),
        detail={"year": year, "created": len(created), "cases": _attach_waiting(campaign, timezone.now())},
        created_at=timezone.now(),
    )
    return created


def _attach_waiting(campaign, now):
    """Admitted students with open tasks and no window to come (none when they were admitted, or theirs is over)
    join the next window. Returns how many."""
    upcoming = stages.next_window(campaign, now)
    if upcoming is None:
        return 0
    return (
        Case.objects.filter(campaign=campaign, status=S.ACTIVE)
        .filter(Q(window__isnull=True) | Q(window__closes_at__lte=now))
        .filter(Exists(Task.objects.filter(case=OuterRef("pk"), state__in=[TaskState.PENDING, TaskState.BLOCKED])))
        .update(window=upcoming)
    )


@transaction.atomic
def window_open_extra(*, campaign, actor, closes_at, opens_at=None, note="", actor_label=""):
    """The office opens an extra window (from now, or from ``opens_at``, until ``closes_at``)."""
    now = timezone.now().replace(second=0, microsecond=0)
    opens_at = max(opens_at or now, now)  # a time already past means now
    if closes_at <= opens_at or closes_at <= now:
        raise ClearanceError(code="bad_window", message=_("The window must close after it opens, and in the future."))
    if closes_at - opens_at > timedelta(days=MAX_EXTRA_DAYS):
        raise ClearanceError(
            code="bad_window",
            message=_("An extra window lasts at most %(days)s days.") % {"days": MAX_EXTRA_DAYS},
        )
    note = _checked_reason(note, _("Say why the extra window is opened."))
    same = ProcessingWindow.objects.filter(
        campaign=campaign, opens_at=opens_at, closes_at=closes_at, source=ProcessingWindow.Source.EXTRA
    ).first()
    if same is not None:  # the same form sent twice
        return same
    if ProcessingWindow.objects.filter(campaign=campaign, opens_at=opens_at).exists():
        raise ClearanceError(
            code="bad_window",
            message=_("A window already opens at %(opens)s: choose another time.")
            % {"opens": f"{opens_at.astimezone(stages.BEIJING):%Y-%m-%d %H:%M}"},
        )
    window = ProcessingWindow.objects.create(
        campaign=campaign,
        opens_at=opens_at,
        closes_at=closes_at,
        source=ProcessingWindow.Source.EXTRA,
        note=note,
        created_by=actor,
    )
    AuditEvent.objects.create(
        campaign=campaign,
        action="extra_window",
        channel=Channel.ADMIN,
        reason=note,
        actor=actor,
        actor_label=label_for(actor, actor_label),
        detail={"window_id": window.pk, "window": str(window), "cases": _attach_waiting(campaign, now)},
        created_at=now,
    )
    return window


@transaction.atomic
def window_close(*, window, actor, reason, actor_label=""):
    """The office closes a window: one not yet open is cancelled (deleted), one open closes now. Audited; the cases
    it held keep their tasks and join the next window."""
    reason = _checked_reason(reason, _("Say why the window is closed."))
    window = ProcessingWindow.objects.select_for_update().select_related("campaign").get(pk=window.pk)
    now = timezone.now()
    if window.closes_at <= now:
        raise ClearanceError(code="window_over", message=_("That window is already over."))
    detail = {"window_id": window.pk, "window": str(window)}
    if window.opens_at > now:
        window.delete()
        detail["cancelled"] = True
    else:
        window.closes_at = max(now, window.opens_at + timedelta(seconds=1))
        window.save(update_fields=["closes_at"])
    AuditEvent.objects.create(
        campaign=window.campaign,
        action="close_window",
        channel=Channel.ADMIN,
        reason=reason,
        actor=actor,
        actor_label=label_for(actor, actor_label),
        detail=detail,
        created_at=now,
    )


# --- stages ----------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_extend_stage(*, campaign, stage, days, actor, reason, actor_label=""):
    """Extend a stage by some days: every later stage starts that much later. A stage that is over cannot be
    extended. Audited with the dates before and after."""
    reason = _checked_reason(reason, _("Give a reason for extending the stage."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    fields = [f for _s, f in stages.STAGE_FIELDS]
    order = [s for s, _f in stages.STAGE_FIELDS]
    if stage not in order[:-1] or not 1 <= days <= 365:
        raise ClearanceError(code="bad_extension", message=_("Choose a stage and a number of days from 1 to 365."))
    current = stages.current_stage(campaign)
    if current and current in order and order.index(current) > order.index(stage):
        raise ClearanceError(code="stage_over", message=_("That stage is over: it cannot be extended."))
    later = fields[order.index(stage) + 1 :]
    before = {f: getattr(campaign, f).isoformat() for f in later if getattr(campaign, f)}
    if not before:
        raise ClearanceError(code="bad_extension", message=_("No later stage has a date: nothing to move."))
    for f in later:
        if getattr(campaign, f):
            setattr(campaign, f, getattr(campaign, f) + timedelta(days=days))
    campaign.save(update_fields=later)
    AuditEvent.objects.create(
        campaign=campaign,
        action="extend_stage",
        channel=Channel.ADMIN,
        reason=reason,
        actor=actor,
        actor_label=label_for(actor, actor_label),
        detail={
            "stage": stage,
            "days": days,
            "before": before,
            "after": {f: getattr(campaign, f).isoformat() for f in before},
        },
        created_at=timezone.now(),
    )
    return campaign


def campaign_launch(*, campaign, actor, actor_label=""):
    """The office launches the campaign: allowed only in the launch or processing stage (when it has dates)."""
    stages.check_stage(campaign, "launch")
    return launch_campaign(campaign=campaign, actor=actor, actor_label=actor_label)
