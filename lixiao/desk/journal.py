"""What a desk did: its actions with undo, the pasted-list clear, and an export of its work."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lixiao.accounts import access
from lixiao.clearance import services as engine
from lixiao.clearance.audit import ACTION_LABELS
from lixiao.clearance.models import AuditEvent, Channel, Task, TaskState
from lixiao.clearance.selectors import current_campaign
from lixiao.desk.bulk import clear_pasted
from lixiao.reports.exports import write_xlsx

SHOWN = 100


def _setup(request, scope):
    scope = access.desk_scope_for_user(request.user, scope)
    campaign = current_campaign(request.GET.get("campaign") or request.POST.get("campaign"))
    if campaign is None:
        raise Http404
    return scope, campaign


def _desk_events(scope, campaign):
    return AuditEvent.objects.filter(
        campaign=campaign, task__in=Task.objects.filter(scope.task_q(), campaign=campaign)
    ).exclude(action__in=["create", "list", "rebuild"])


@login_required
def journal(request, scope):
    scope, campaign = _setup(request, scope)
    mine = request.GET.get("all") != "1"
    events = _desk_events(scope, campaign)
    if mine:
        events = events.filter(actor=request.user)
    events = list(
        events.select_related("task__item", "task__case__student", "actor").order_by("-created_at", "-id")[:SHOWN]
    )
    states = dict(TaskState.choices)
    undone = {e.detail.get("undoes") for e in events if e.action == "undo"}
    newest = {}
    for e in events:  # newest first: the first event seen per task is its latest
        newest.setdefault(e.task_id, e.pk)
    for e in events:
        e.can_undo = e.action in engine.UNDOABLE_ACTIONS and e.pk not in undone and newest[e.task_id] == e.pk
        e.action_label = ACTION_LABELS.get(e.action, e.action)
        e.before_label, e.after_label = states.get(e.state_before, "—"), states.get(e.state_after, e.state_after)
    return render(
        request,
        "desk/journal.html",
        {
            "scope": scope,
            "campaign": campaign,
            "events": events[:SHOWN],
            "mine": mine,
            "undoable": set(engine.UNDOABLE_ACTIONS),
        },
    )


@login_required
@require_POST
def undo(request, scope, event_id):
    scope, campaign = _setup(request, scope)
    event = get_object_or_404(_desk_events(scope, campaign), pk=event_id)
    try:
        engine.task_undo(
            event=event, actor=request.user, channel=Channel.COUNTER, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Undone."))
    except engine.ClearanceError as exc:
        messages.error(request, exc.message)
    return redirect("desk:journal", scope=scope.key)


@login_required
def bulk(request, scope):
    scope, campaign = _setup(request, scope)
    reports = None
    if request.method == "POST":
        reports = clear_pasted(scope=scope, campaign=campaign, clerk=request.user, text=request.POST.get("numbers", ""))
    return render(request, "desk/bulk.html", {"scope": scope, "campaign": campaign, "reports": reports})


@login_required
def export(request, scope):
    """Everything this desk did in the campaign, one row per action, as xlsx."""
    scope, campaign = _setup(request, scope)
    rows = (
        _desk_events(scope, campaign)
        .order_by("created_at", "id")
        .values_list(
            "created_at",
            "task__case__student__student_no",
            "task__case__student__name",
            "task__item__name",
            "action",
            "state_before",
            "state_after",
            "reason",
            "amount",
            "actor_label",
            "channel",
        )
    )

    def lines():
        for when, no, name, item, action, before, after, reason, amount, actor, channel in rows.iterator():
            yield [
                timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S"),
                no,
                name,
                item,
                action,
                before,
                after,
                reason,
                amount,
                actor,
                channel,
            ]

    headers = [
        _("Time"),
        _("Student number"),
        _("Name"),
        _("Item"),
        _("Action"),
        _("Before"),
        _("After"),
        _("Reason"),
        _("Amount"),
        _("By"),
        _("Channel"),
    ]
    buf = io.BytesIO()
    write_xlsx(buf, headers, lines(), title=_("Desk actions"))
    resp = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="lixiao-{campaign.code}-{scope.key}-actions.xlsx"'
    return resp
