"""The approvals door: approve one or many, reject with a reason. Every decision goes through the engine."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.approvals import selectors
from lixiao.clearance import services as engine
from lixiao.clearance import submissions
from lixiao.clearance.models import Channel, Submission, Task
from lixiao.clearance.selectors import current_campaign
from lixiao.rules import formspec
from lixiao.rules.models import Item


def _scope_and_campaign(request, scope):
    scope = access.desk_scope_for_user(request.user, scope)
    campaign = current_campaign(request.GET.get("campaign") or request.POST.get("campaign"))
    if campaign is None:
        raise Http404
    return scope, campaign


@login_required
def index(request, scope):
    scope, campaign = _scope_and_campaign(request, scope)
    waiting = list(selectors.waiting_submissions(scope, campaign))
    for sub in waiting:
        sub.rows = formspec.answer_rows(sub.task.item, sub.data)
    return render(
        request,
        "approvals/index.html",
        {
            "scope": scope,
            "campaign": campaign,
            "approvals": selectors.waiting_approvals(scope, campaign),
            "submissions": waiting,
        },
    )


@login_required
@require_POST
def approve(request, scope):
    """Approve the ticked tasks, each through the engine; a report per student."""
    scope, campaign = _scope_and_campaign(request, scope)
    ids = [int(i) for i in request.POST.getlist("task") if i.isascii() and i.isdigit()]
    tasks = Task.objects.filter(scope.task_q(), campaign=campaign, item__method=Item.Method.APPROVAL, pk__in=ids)
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
        Task.objects.filter(scope.task_q(), campaign=campaign, item__method=Item.Method.APPROVAL), pk=task_id
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
        Submission.objects.filter(task__campaign=campaign, task__item__department_id=scope.pk).select_related(
            "task__case__student"
        ),
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
