"""The counter door: parse what the clerk or reader typed, call the desk/engine services, render."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.clearance import services as engine
from lixiao.clearance import stages
from lixiao.clearance.models import AuditEvent, Channel, Task, TaskState
from lixiao.clearance.selectors import current_campaign
from lixiao.desk import services
from lixiao.desk.models import Scan, Station
from lixiao.directory.models import Student

QUEUE_SHOWN = 30


def _station(scope, request):
    if scope.kind != "department":
        return None
    stations = Station.objects.filter(department_id=scope.pk)
    code = request.POST.get("station") or request.GET.get("station")
    if code:
        return get_object_or_404(stations, code=code)
    station = stations.first()
    if station is None:
        station = Station.objects.create(department_id=scope.pk, code=f"desk-{scope.pk}-1", name=f"{scope.label} 1")
    return station


def _context(request, scope):
    campaign = current_campaign(request.GET.get("campaign") or request.POST.get("campaign"))
    if campaign is None:
        raise Http404
    return campaign, _station(scope, request)


def _today_stats(scope, clerk):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    stats = Scan.objects.filter(desk=scope.key, created_at__gte=start).aggregate(
        mine=Count("id", filter=Q(clerk=clerk) & ~Q(result=Scan.Result.IGNORED)),
    )
    stats["cleared"] = AuditEvent.objects.filter(
        actor=clerk, action="clear", created_at__gte=start, task__in=Task.objects.filter(scope.task_q())
    ).count()
    return stats


def _recent(scope, clerk):
    return Scan.objects.filter(desk=scope.key, clerk=clerk).select_related("student")[:8]


@login_required
def counter(request, scope):
    scope = access.desk_scope_for_user(request.user, scope)
    campaign, station = _context(request, scope)
    queue = Task.objects.filter(scope.task_q(), campaign=campaign).aggregate(
        pending=Count("id", filter=Q(state=TaskState.PENDING)),
        blocked=Count("id", filter=Q(state=TaskState.BLOCKED)),
        done=Count("id", filter=Q(state=TaskState.DONE)),
    )
    waiting = (
        Task.objects.filter(scope.task_q(), campaign=campaign, state__in=[TaskState.PENDING, TaskState.BLOCKED])
        .select_related("item", "case__student", "case__college")
        .order_by("case__student__student_no", "item__sort")[:QUEUE_SHOWN]
    )
    return render(
        request,
        "desk/counter.html",
        {
            "scope": scope,
            "campaign": campaign,
            "stage_refusal": stages.refusal(campaign, "desk"),
            "station": station,
            "queue": queue,
            "waiting": waiting,
            "stats": _today_stats(scope, request.user),
            "recent": _recent(scope, request.user),
        },
    )


def _result(request, scope, campaign, station, outcome):
    tasks = []
    if outcome.student is not None:
        tasks = services.desk_tasks(scope=scope, campaign=campaign, student=outcome.student)
    return render(
        request,
        "desk/_result.html",
        {
            "scope": scope,
            "campaign": campaign,
            "station": station,
            "outcome": outcome,
            "tasks": tasks,
            "stats": _today_stats(scope, request.user),
            "recent": _recent(scope, request.user),
        },
    )


@login_required
@require_POST
def scan(request, scope):
    scope = access.desk_scope_for_user(request.user, scope)
    campaign, station = _context(request, scope)
    outcome = services.handle_scan(
        scope=scope, station=station, clerk=request.user, raw=request.POST.get("q", ""), campaign=campaign
    )
    if outcome.result in {"empty", Scan.Result.IGNORED}:
        return HttpResponse(status=204)  # nothing happened: the student on screen stays on screen
    return _result(request, scope, campaign, station, outcome)


@login_required
@require_POST
def pick(request, scope, student_no):
    """The clerk picked one of several matches (or opened someone from the waiting list): show the student;
    a pick answering the clerk's ambiguous card read at a clear-on-swipe station acts as that swipe."""
    scope = access.desk_scope_for_user(request.user, scope)
    campaign, station = _context(request, scope)
    student = get_object_or_404(Student.objects.filter(scope.student_q()), student_no=student_no)
    scan_id = request.POST.get("scan", "")
    outcome = services.pick_student(
        scope=scope,
        station=station,
        clerk=request.user,
        campaign=campaign,
        student=student,
        scan_id=int(scan_id) if scan_id.isascii() and scan_id.isdigit() else None,
    )
    return _result(request, scope, campaign, station, outcome)


@login_required
@require_POST
def task_action(request, scope, task_id, action):
    scope = access.desk_scope_for_user(request.user, scope)
    campaign, station = _context(request, scope)
    # The desk's scope is the boundary, not the counter's campaign: a student of another campaign is served too.
    task = get_object_or_404(Task.objects.filter(scope.task_q()).select_related("campaign"), pk=task_id)
    student = task.case.student
    outcome = services.ScanOutcome(result=Scan.Result.SHOWN, message="", student=student)
    channel = Channel.APPROVAL if scope.kind != "department" else Channel.COUNTER
    try:
        if action == "clear" and task.item.final:
            # Certificates are handed over at the certificate desk, with the identity check and any proxy recorded.
            raise engine.ClearanceError(
                code="use_certificate_desk",
                message=_("Certificates are handed over at the certificate desk, where the identity is checked."),
            )
        if action == "clear":
            change = engine.task_clear(
                task=task, actor=request.user, channel=channel, note=request.POST.get("note", "")
            )
        elif action == "block":
            change = engine.task_block(
                task=task,
                actor=request.user,
                channel=channel,
                reason=request.POST.get("reason", ""),
                amount=request.POST.get("amount") or None,
            )
        elif action == "waive":
            change = engine.task_waive(
                task=task, actor=request.user, channel=channel, reason=request.POST.get("reason", "")
            )
        else:
            raise Http404
        outcome.changes.append(change)
        outcome.message = _("%(item)s: %(message)s") % {"item": task.item.name, "message": change.message}
        outcome.result = Scan.Result.CLEARED if change.changed else Scan.Result.ALREADY
    except engine.ClearanceError as exc:
        outcome.result = Scan.Result.REFUSED
        outcome.message = exc.message
        outcome.form = {
            "task": task.pk,
            "reason": request.POST.get("reason", ""),
            "amount": request.POST.get("amount", ""),
        }
    return _result(request, scope, campaign, station, outcome)
