"""The approvals door: approve one or many, reject with a reason; a college decides on its students' applications
to rolling campaigns and applies on their behalf. Every decision goes through the engine."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.approvals import selectors
from lixiao.clearance import cases as case_engine
from lixiao.clearance import services as engine
from lixiao.clearance import submissions
from lixiao.clearance.models import Campaign, Case, CaseStatus, Channel, Submission, Task
from lixiao.clearance.selectors import current_campaign
from lixiao.directory.models import Student
from lixiao.portal.rolling import open_rolling_campaigns
from lixiao.rules import formspec
from lixiao.rules.models import Item


def _scope_and_campaign(request, scope):
    scope = access.desk_scope_for_user(request.user, scope)
    campaign = current_campaign(request.GET.get("campaign") or request.POST.get("campaign"))
    if campaign is None:
        raise Http404
    return scope, campaign


def _college_scope(request, scope):
    """A college desk of this user; any other desk (department, advisor) or none: 404."""
    scope = access.desk_scope_for_user(request.user, scope)
    if scope.kind != "college":
        raise Http404
    return scope


@login_required
def index(request, scope):
    scope, campaign = _scope_and_campaign(request, scope)
    waiting = list(selectors.waiting_submissions(scope, campaign))
    for sub in waiting:
        sub.rows = formspec.answer_rows(sub.task.item, sub.data)
    college = scope.kind == "college"
    applications = list(selectors.waiting_applications(scope)) if college else []
    rolling = list(open_rolling_campaigns()) if college else []
    return render(
        request,
        "approvals/index.html",
        {
            "scope": scope,
            "campaign": campaign,
            "approvals": selectors.waiting_approvals(scope, campaign),
            "submissions": waiting,
            "show_applications": bool(applications or rolling),
            "applications": applications,
            "rolling_campaigns": rolling,
        },
    )


@login_required
@require_POST
def approve(request, scope):
    """Approve the ticked tasks, each through the engine; a report per student."""
    scope, campaign = _scope_and_campaign(request, scope)
    ids = [int(i) for i in request.POST.getlist("task") if i.isascii() and i.isdigit()]
    tasks = Task.objects.filter(
        scope.task_q(), selectors.in_desk_campaigns(campaign), item__method=Item.Method.APPROVAL, pk__in=ids
    )
    done = 0
    for task in tasks.select_related("item", "case__student"):
        try:
            if engine.task_clear(task=task, actor=request.user, channel=Channel.APPROVAL).changed:
                done += 1
        except engine.ClearanceError as exc:
            messages.error(request, f"{task.case.student.display_name}: {exc.message}")
    if not ids:
        messages.info(request, _("Tick the students to approve first."))
    else:
        messages.success(request, _("Approved %(n)s.") % {"n": done})
    return redirect("approvals:index", scope=scope.key)


@login_required
@require_POST
def reject(request, scope, task_id):
    scope, campaign = _scope_and_campaign(request, scope)
    task = get_object_or_404(
        Task.objects.filter(scope.task_q(), selectors.in_desk_campaigns(campaign), item__method=Item.Method.APPROVAL),
        pk=task_id,
    )
    try:
        engine.task_block(
            task=task, actor=request.user, channel=Channel.APPROVAL, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, _("Returned to %(name)s with your reason.") % {"name": task.case.student.display_name}
        )
    except engine.ClearanceError as exc:
        messages.error(request, exc.message)
    return redirect("approvals:index", scope=scope.key)


@login_required
@require_POST
def review(request, scope, submission_id, decision):
    scope, campaign = _scope_and_campaign(request, scope)
    if scope.kind != "department" or decision not in {"approve", "reject"}:
        raise Http404
    submission = get_object_or_404(
        Submission.objects.filter(
            selectors.in_desk_campaigns(campaign, "task__"), task__item__department_id=scope.pk
        ).select_related("task__case__student"),
        pk=submission_id,
    )
    try:
        _sub, changed = submissions.submission_review(
            submission=submission,
            actor=request.user,
            approve=decision == "approve",
            reason=request.POST.get("reason", ""),
        )
        if not changed:
            messages.info(request, _("Already reviewed: nothing changed."))
        elif decision == "approve":
            messages.success(request, _("Approved: %(name)s.") % {"name": submission.task.case.student.display_name})
        else:
            messages.success(
                request,
                _("Returned to %(name)s with your reason.") % {"name": submission.task.case.student.display_name},
            )
    except engine.ClearanceError as exc:
        messages.error(request, exc.message)
    return redirect("approvals:index", scope=scope.key)


@login_required
@require_POST
def application(request, scope, case_id, decision):
    """The college approves an application of its own student (it goes to the office) or returns it with a reason.
    Another college's application is not found."""
    scope = _college_scope(request, scope)
    if decision not in {"approve", "return"}:
        raise Http404
    case = get_object_or_404(
        Case.objects.filter(college_id=scope.pk, campaign__kind=Campaign.Kind.ROLLING).select_related("student"),
        pk=case_id,
    )
    name = case.student.display_name
    try:
        change = case_engine.case_college_decision(
            case=case,
            actor=request.user,
            approve=decision == "approve",
            reason=request.POST.get("reason", ""),
            channel=Channel.APPROVAL,
        )
    except engine.ClearanceError as exc:
        messages.error(request, f"{name}: {exc.message}")
    else:
        (messages.success if change.changed else messages.info)(request, f"{name}: {change.message}")
    return redirect("approvals:index", scope=scope.key)


def _campaign_for(student, campaign_id):
    """The open rolling campaign to apply to: the one chosen, else the only one taking the student's category.
    Returns (campaign, None) or (None, an error message)."""
    campaigns = open_rolling_campaigns()
    if campaign_id:
        campaign = campaigns.filter(pk=campaign_id).first() if campaign_id.isascii() and campaign_id.isdigit() else None
        return (campaign, None) if campaign else (None, _("Choose an open rolling campaign."))
    fitting = list(campaigns.filter(categories=student.category_id)[:2])
    if len(fitting) == 1:
        return fitting[0], None
    if not fitting:
        return None, _("No open rolling campaign takes %(category)s students.") % {"category": student.category.name}
    return None, _("Several rolling campaigns are open: choose one.")


@login_required
@require_POST
def apply_for(request, scope):
    """The college applies on behalf of one of its own students (by student number). A student of another college
    is refused and nothing is created."""
    scope = _college_scope(request, scope)
    student_no = request.POST.get("student_no", "").strip()
    if not student_no:
        messages.error(request, _("Enter the student's number."))
        return redirect("approvals:index", scope=scope.key)
    student = Student.objects.filter(scope.student_q(), student_no=student_no).select_related("category").first()
    if student is None:
        messages.error(
            request,
            _("%(student_no)s is not a student of %(college)s: a college applies only for its own students.")
            % {"student_no": student_no, "college": scope.label},
        )
        return redirect("approvals:index", scope=scope.key)
    campaign, error = _campaign_for(student, request.POST.get("rolling_campaign", "").strip())
    if error:
        messages.error(request, f"{student.display_name}: {error}")
        return redirect("approvals:index", scope=scope.key)
    try:
        change = case_engine.case_apply(
            campaign=campaign,
            student=student,
            actor=request.user,
            channel=Channel.APPROVAL,
            by_college=True,
            note=request.POST.get("note", ""),
        )
    except engine.ClearanceError as exc:
        messages.error(request, f"{student.display_name}: {exc.message}")
    else:
        if change.changed and change.case.status == CaseStatus.APPLIED:
            message = _("Application sent: it waits for your decision under Applications.")
        else:
            message = change.message
        (messages.success if change.changed else messages.info)(request, f"{student.display_name}: {message}")
    return redirect("approvals:index", scope=scope.key)
