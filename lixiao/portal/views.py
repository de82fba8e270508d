"""The student's own pages: what is left, where, when and why; self-service items confirmed online."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.clearance import services as engine
from lixiao.clearance.models import Case, Channel, Task
from lixiao.clearance.selectors import case_progress, case_tasks
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


@login_required
@require_POST
def confirm(request, task_id):
    """A self-service item: the student confirms it online."""
    _student, case = _own_case(request)
    if case is None:
        raise Http404
    task = get_object_or_404(Task, pk=task_id, case=case, item__handler=Item.Handler.STUDENT)
    try:
        change = engine.task_clear(task=task, actor=request.user, channel=Channel.PORTAL)
        messages.success(request, _("%(item)s: %(message)s") % {"item": task.item.name, "message": change.message})
    except engine.ClearanceError as exc:
        messages.error(request, exc.message)
    return redirect("portal:home")
