"""The managing office's pages for a campaign: stages (extend, launch), processing windows (generate for a year,
open an extra one), applications to review (rolling campaigns), and one student's case (tasks, history, defer,
remove, restore). Thin: access.py decides who sees what, the engine (clearance.cases) changes state."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.clearance import cases, stages
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import Campaign, CaseStatus, Channel, ProcessingWindow
from lixiao.clearance.selectors import case_progress, case_tasks
from lixiao.office import selectors


@login_required
def index(request):
    campaigns = list(access.managed_campaigns(request.user).select_related("departure_type"))
    if not campaigns:
        raise Http404
    if len(campaigns) == 1:
        return redirect("office:campaign", code=campaigns[0].code)
    return render(request, "office/index.html", {"campaigns": campaigns})


@login_required
def campaign(request, code):
    campaign = access.campaign_for_office(request.user, code)
    now = timezone.now()
    q = request.GET.get("q", "")
    categories = access.office_categories(request.user)
    waiting, with_colleges = selectors.applications(campaign, categories) if campaign.rolling else ([], 0)
    ctx = {
        "campaign": campaign,
        "campaigns": access.managed_campaigns(request.user)[:20],
        "stage": stages.current_stage(campaign),
        "plan": stages.stage_plan(campaign),
        "may_launch": stages.may(campaign, "launch"),
        "extendable": _extendable(campaign),
        "counts": selectors.status_counts(campaign),
        "windows": selectors.windows(campaign, now) if campaign.rolling else [],
        "open_window": stages.open_window(campaign, now) if campaign.windowed else None,
        "year": stages.beijing_today(now).year,
        "waiting": waiting,
        "no_lists": selectors.blacklists_without_list(campaign) if campaign.rolling else [],
        "with_colleges": with_colleges,
        "q": q,
        "found": selectors.find_cases(campaign, q, categories),
    }
    return render(request, "office/campaign.html", ctx)


class _Refused:
    """What _call returns when the engine refused (the refusal is shown as an error message)."""

    def __bool__(self):
        return False


REFUSED = _Refused()


def _extendable(campaign):
    """The stages the office may still extend: the current one and those to come (not the closing day)."""
    plan = stages.stage_plan(campaign)[:-1]
    order = [s for s, *_rest in plan]
    current = stages.current_stage(campaign)
    start = order.index(current) if current in order else 0
    return [(s, label) for s, label, *_rest in plan[start:]]


def _posted_int(request, name):
    """A whole number from the form, or 0 for anything else (the engine or the view then says what is wanted)."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return 0


def _call(request, fn, **kwargs):
    """Call an engine function; a refusal becomes an error message on the next page."""
    try:
        return fn(**kwargs)
    except ClearanceError as exc:
        messages.error(request, exc.message)
        return REFUSED


@login_required
@require_POST
def launch(request, code):
    campaign = access.campaign_for_office(request.user, code)
    result = _call(request, cases.campaign_launch, campaign=campaign, actor=request.user)
    if result:
        messages.success(
            request,
            _("Launched: %(tasks)s tasks created for %(cases)s students.")
            % {"tasks": result.tasks_created, "cases": result.cases},
        )
    return redirect("office:campaign", code=code)


@login_required
@require_POST
def extend(request, code):
    campaign = access.campaign_for_office(request.user, code)
    days = _posted_int(request, "days")
    stage = request.POST.get("stage", "")
    if _call(
        request,
        cases.campaign_extend_stage,
        campaign=campaign,
        stage=stage,
        days=days,
        actor=request.user,
        reason=request.POST.get("reason", ""),
    ):
        label = Campaign.Stage(stage).label
        messages.success(request, _("“%(stage)s” extended by %(days)s days.") % {"stage": label, "days": days})
    return redirect("office:campaign", code=code)


@login_required
@require_POST
def windows_generate(request, code):
    campaign = access.campaign_for_office(request.user, code)
    year = _posted_int(request, "year")
    if not 2000 <= year <= 2100:
        messages.error(request, _("Give a year, like 2027."))
        return redirect("office:campaign", code=code)
    created = _call(request, cases.windows_generate, campaign=campaign, year=year, actor=request.user)
    if created is not REFUSED and created:
        messages.success(request, _("%(n)s windows created for %(year)s.") % {"n": len(created), "year": year})
    elif created is not REFUSED:
        messages.info(request, _("The windows of %(year)s exist already: nothing new.") % {"year": year})
    return redirect("office:campaign", code=code)


def _beijing(value):
    """A datetime-local field's value (Beijing wall time) as an aware datetime, or None."""
    try:
        naive = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if not 2000 <= naive.year <= 2100:
        return None
    return naive.replace(tzinfo=stages.BEIJING) if naive.tzinfo is None else None


@login_required
@require_POST
def window_extra(request, code):
    campaign = access.campaign_for_office(request.user, code)
    opens_at = _beijing(request.POST.get("opens_at")) if request.POST.get("opens_at") else None
    closes_at = _beijing(request.POST.get("closes_at"))
    if closes_at is None or (request.POST.get("opens_at") and opens_at is None):
        messages.error(request, _("Give the time the window closes (and opens, if not now), in Beijing time."))
        return redirect("office:campaign", code=code)
    if _call(
        request,
        cases.window_open_extra,
        campaign=campaign,
        actor=request.user,
        opens_at=opens_at,
        closes_at=closes_at,
        note=request.POST.get("note", ""),
    ):
        messages.success(request, _("Extra window opened."))
    return redirect("office:campaign", code=code)


@login_required
@require_POST
def window_close(request, code, window_id):
    campaign = access.campaign_for_office(request.user, code)
    window = get_object_or_404(ProcessingWindow, campaign=campaign, pk=window_id)
    reason = request.POST.get("reason", "")
    result = _call(request, cases.window_close, window=window, actor=request.user, reason=reason)
    if result is not REFUSED:
        messages.success(request, _("Window closed."))
    return redirect("office:campaign", code=code)


@login_required
@require_POST
def review(request, code, case_id):
    campaign = access.campaign_for_office(request.user, code)
    case = access.office_case_for_user(request.user, case_id)
    if case.campaign_id != campaign.pk:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("admit", "return"):
        messages.error(request, _("Admit or return the application."))
        return redirect("office:campaign", code=code)
    result = _call(
        request,
        cases.case_review,
        case=case,
        actor=request.user,
        approve=decision == "admit",
        reason=request.POST.get("reason", ""),
    )
    if result:
        (messages.success if result.changed else messages.info)(
            request, f"{case.student.display_name} {case.student.student_no}: {result.message}"
        )
    return redirect("office:campaign", code=code)


@login_required
def case(request, case_id):
    case = access.office_case_for_user(request.user, case_id)
    tasks = case_tasks(case)
    return render(
        request,
        "office/case.html",
        {
            "case": case,
            "tasks": tasks,
            "progress": case_progress(tasks),
            "history": selectors.history(case),
            "statuses": [(CaseStatus.DEFERRED, _("Defer graduation")), (CaseStatus.REMOVED, _("Remove from roster"))],
            "on_roster": case.status in (CaseStatus.ACTIVE, CaseStatus.DEFERRED, CaseStatus.REMOVED),
        },
    )


@login_required
@require_POST
def case_status(request, case_id):
    case = access.office_case_for_user(request.user, case_id)
    status = request.POST.get("status", "")
    if status not in (CaseStatus.DEFERRED, CaseStatus.REMOVED, CaseStatus.ACTIVE):
        messages.error(request, _("Choose what to do."))
        return redirect("office:case", case_id=case.pk)
    result = _call(
        request,
        cases.case_set_status,
        case=case,
        status=status,
        actor=request.user,
        channel=Channel.ADMIN,
        reason=request.POST.get("reason", ""),
    )
    if result:
        (messages.success if result.changed else messages.info)(request, result.message)
    return redirect("office:case", case_id=case.pk)
