"""The student's own pages: what is left, where, when and why; self-service items filled in online."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lixiao.accounts import access
from lixiao.clearance import services as engine
from lixiao.clearance import submissions
from lixiao.clearance.models import Case, Submission, Task
from lixiao.clearance.selectors import case_progress, case_tasks
from lixiao.rules import formspec
from lixiao.rules.models import Item


def _own_case(request):
    student = access.student_for_user(request.user)
    if student is None:
        raise Http404
    case = (
        Case.objects.filter(student=student)
        .select_related("campaign", "category", "campus", "college", "student", "student__advisor")
        .order_by("-campaign__launched_at", "-pk")
        .first()
    )
    return student, case


@login_required
def home(request):
    student, case = _own_case(request)
    tasks = case_tasks(case) if case else []
    latest = {}
    if case:
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
            "progress": case_progress(tasks) if case else None,
        },
    )


def _own_task(request, task_id):
    _student, case = _own_case(request)
    if case is None:
        raise Http404
    return get_object_or_404(
        Task.objects.select_related("item"), pk=task_id, case=case, item__handler=Item.Handler.STUDENT
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
