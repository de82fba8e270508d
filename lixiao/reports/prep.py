"""Data preparation before launch: what each department still has to prepare, and a dry run of the launch."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from lixiao.clearance.models import AuditEvent, Campaign, ListEntry, TaskState
from lixiao.clearance.services import planned_tasks_sql
from lixiao.directory.models import College, Department
from lixiao.rules.models import Item

ANOMALY_SHARE = 0.30  # an item that would block more than this share of its students is flagged
ANOMALY_GROWTH = 2.0  # ... or more than twice the share it blocked at the previous campaign's launch


@dataclass
class ItemReadiness:
    item: Item
    entries: int = 0
    last_upload: object = None
    configured: bool = True
    missing: list = field(default_factory=list)
    predicted: dict = field(default_factory=dict)
    blocked_share: float = 0.0
    previous_share: float | None = None
    anomalies: list = field(default_factory=list)

    @property
    def ready(self):
        return not self.missing


def _predicted(campaign, categories):
    """{item_id: {state: n}} and {(item_id, college_id): blocked} from the launch's own SELECT, in one query."""
    sql, params = planned_tasks_sql(campaign, only_missing=False)
    cat_ids = [c.pk for c in categories]
    marks = ", ".join(["%s"] * len(cat_ids)) or "NULL"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT p.item_id, p.college_id, p.state, COUNT(*) FROM ({sql}) p "
            f"WHERE p.category_id IN ({marks}) GROUP BY p.item_id, p.college_id, p.state",
            [*params, *cat_ids],
        )
        rows = cur.fetchall()
    by_item, by_college = {}, {}
    for item_id, college_id, state, n in rows:
        counts = by_item.setdefault(item_id, {s.value: 0 for s in TaskState} | {"total": 0})
        counts[state] += n
        counts["total"] += n
        if state == TaskState.BLOCKED:
            by_college[(item_id, college_id)] = by_college.get((item_id, college_id), 0) + n
    return by_item, by_college


def _previous_shares(campaign):
    """Blocked share per item at the launch of the previous launched campaign, from its audit events."""
    previous = (
        Campaign.objects.filter(launched_at__isnull=False)
        .exclude(pk=campaign.pk)
        .filter(Q(launched_at__lt=campaign.launched_at) if campaign.launched_at else Q())
        .order_by("-launched_at")
        .first()
    )
    if previous is None:
        return None, {}
    rows = (
        AuditEvent.objects.filter(campaign=previous, action="create")
        .values("task__item_id")
        .annotate(total=Count("id"), blocked=Count("id", filter=Q(state_after=TaskState.BLOCKED)))
    )
    return previous, {r["task__item_id"]: r["blocked"] / r["total"] for r in rows if r["total"]}


def readiness(campaign, categories, departments=None):
    """Per department, per item of this campaign: list uploaded? configured? predicted states and anomalies."""
    items = (
        Item.objects.filter(
            scopes__category__in=categories,
            scopes__category__campaigns=campaign,
            departure_type_id=campaign.departure_type_id,
        )
        .distinct()
        .select_related("department", "department__campus")
        .order_by("department__campus__sort", "department__sort", "sort")
    )
    if departments is not None:
        items = items.filter(department__in=departments)
    entries = {
        r["item_id"]: r
        for r in ListEntry.objects.filter(campaign=campaign, active=True)
        .values("item_id")
        .annotate(n=Count("id"), last=Max("added_at"))
    }
    predicted, by_college = _predicted(campaign, categories)
    previous, previous_shares = _previous_shares(campaign)
    board = {}
    for item in items:
        r = ItemReadiness(item=item, predicted=predicted.get(item.pk, {}))
        if item.list_driven:
            found = entries.get(item.pk)
            r.entries, r.last_upload = (found["n"], found["last"]) if found else (0, None)
            if not found:
                r.missing.append(_("no list uploaded yet"))
        if not item.instructions:
            r.missing.append(_("no instructions for students"))
        if item.handler == Item.Handler.DEPARTMENT and not (item.place or item.department.place):
            r.missing.append(_("no place given"))
        total = r.predicted.get("total", 0)
        if total:
            r.blocked_share = r.predicted.get(TaskState.BLOCKED, 0) / total
            if r.blocked_share > ANOMALY_SHARE:
                r.anomalies.append(_("would block %(share).0f%% of its students") % {"share": r.blocked_share * 100})
            r.previous_share = previous_shares.get(item.pk)
            if r.previous_share is not None and r.blocked_share > max(r.previous_share * ANOMALY_GROWTH, 0.01):
                r.anomalies.append(
                    _("blocks %(now).0f%% against %(before).1f%% at %(campaign)s")
                    % {"now": r.blocked_share * 100, "before": r.previous_share * 100, "campaign": previous.name}
                )
        board.setdefault(item.department, []).append(r)
    colleges = {c.pk: c for c in College.objects.filter(pk__in={cid for _i, cid in by_college})}
    college_rows = [
        {
            "item": it.item,
            "counts": [(colleges.get(cid), n) for (iid, cid), n in sorted(by_college.items()) if iid == it.item.pk],
        }
        for rows in board.values()
        for it in rows
        if it.predicted.get(TaskState.BLOCKED)
    ]
    return {"board": board, "colleges": college_rows, "previous": previous}


def visible_departments(user, desk_scopes, categories):
    """Offices (and admins) see every department; a department's clerk sees their own."""
    if categories:
        return None
    return Department.objects.filter(pk__in=[s.pk for s in desk_scopes if s.kind == "department"])
