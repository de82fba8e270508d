"""The student's own pages: what is left, where, when and why; self-service items filled in online; applications
to rolling campaigns (apply, see where the application stands, the processing window once admitted)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.clearance import cases as case_engine
from lixiao.clearance import services as engine
from lixiao.clearance import submissions
from lixiao.clearance.models import Campaign, Case, CaseStatus, Channel, Submission, Task
from lixiao.clearance.selectors import case_progress, case_tasks
from lixiao.portal import rolling
from lixiao.rules import formspec
from lixiao.rules.models import Item


def _own_student(request):
    student = access.student_for_user(request.user)
    if student is None:
        raise Http404
    return student


def _own_cases(student):
    """The student's cases, newest campaign first (a campaign not launched yet counts as the oldest)."""
    return list(
        Case.objects.filter(student=student)
        .select_related(
            "campaign", "category", "category__office", "campus", "college", "student", "student__advisor", "window"
        )
        .order_by(F("campaign__launched_at").desc(nulls_last=True), "-pk")
    )


def _own_case(request):
    """The student and the case the page is about: the latest one on a roster (active, deferred or removed).
    Applications to rolling campaigns (applied, approved by the college, returned) are shown apart."""
    student = _own_student(request)
    cases = _own_cases(student)
    active = next((c for c in cases if c.status == CaseStatus.ACTIVE), None)
    return student, active or next((c for c in cases if c.status in rolling.ON_ROSTER), None), cases


@login_required
def home(request):
    student, case, cases = _own_case(request)
    now = timezone.now()
    active = case is not None and case.status == CaseStatus.ACTIVE
    tasks = case_tasks(case) if active else []
    latest = {}
    if active:
        for sub in Submission.objects.filter(task__case=case).order_by("submitted_at", "id"):
            latest[sub.task_id] = sub  # the newest wins
    for task in tasks:
        task.latest_submission = latest.get(task.pk)
    return render(
        request,
        "portal/home.html",
        {
            "student": student,
            "case": case,
            "tasks": tasks,
            "progress": case_progress(tasks) if active else None,
            "window": rolling.window_info(case, tasks, now) if active and case.campaign.rolling else None,
            "rolling": rolling.rolling_blocks(student, cases, case, case_tasks, now),
        },
    )


@login_required
@require_POST
def apply(request, campaign_id):
    """The student applies to a rolling campaign of their category (again, once an application was returned)."""
    student = _own_student(request)
    campaign = get_object_or_404(
        Campaign.objects.filter(kind=Campaign.Kind.ROLLING, categories=student.category_id), pk=campaign_id
    )
    try:
        change = case_engine.case_apply(
            campaign=campaign,
            student=student,
            actor=request.user,
            channel=Channel.PORTAL,
            note=request.POST.get("note", ""),
        )
    except engine.ClearanceError as exc:
        messages.error(request, exc.message)
    else:
        (messages.success if change.changed else messages.info)(request, change.message)
    return redirect("portal:home")


def _own_task(request, task_id):
    student = _own_student(request)
    return get_object_or_404(
        Task.objects.select_related("item"), pk=task_id, case__student=student, item__handler=Item.Handler.STUDENT
    )


@login_required
def fill(request, task_id):
    """A self-service item: the student fills in its configured form (or just confirms, when it has none)."""
    task = _own_task(request, task_id)
    previous = task.submissions.first()
    form = formspec.item_form(task.item, initial=previous.data if previous else None)
    if request.method == "POST":
        try:
            _submission, created = submissions.task_submit(task=task, actor=request.user, data=request.POST)
        except engine.ClearanceError as exc:
            form = formspec.item_form(task.item, data=request.POST)
            form.is_valid()
            messages.error(request, exc.message)
        else:
            if not created:
                messages.info(request, _("Already submitted: nothing changed."))
            elif task.item.review_required:
                messages.success(
                    request, _("Submitted: %(department)s will review it.") % {"department": task.item.department.name}
                )
            else:
                messages.success(request, _("%(item)s: done.") % {"item": task.item.name})
            return redirect("portal:home")
    return render(
        request,
        "portal/fill.html",
        {
            "task": task,
            "form": form,
            "previous": previous,
            "previous_rows": formspec.answer_rows(task.item, previous.data) if previous else [],
        },
    )
