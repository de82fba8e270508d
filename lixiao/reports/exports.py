"""Exports of a campaign's tasks, one row per task, as CSV or xlsx (streamed, constant memory)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lixiao.clearance.models import Task

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def task_headers():
    return [
        _("Student number"),
        _("Name"),
        _("Campus"),
        _("Category"),
        _("College"),
        _("Department"),
        _("Item"),
        _("Must-do"),
        _("State"),
        _("Reason"),
        _("Amount"),
        _("Channel"),
        _("Updated"),
    ]


def task_rows(campaign, categories=None):
    qs = Task.objects.filter(campaign=campaign)
    if categories is not None:
        qs = qs.filter(case__category__in=categories)
    qs = qs.order_by("case__student__student_no", "item__sort").values_list(
        "case__student__student_no",
        "case__student__name",
        "case__student__name_latin",
        "case__campus__name",
        "case__category__name",
        "case__college__name",
        "item__department__name",
        "item__name",
        "required",
        "state",
        "reason",
        "amount",
        "channel",
        "updated_at",
    )
    states = dict(Task._meta.get_field("state").choices)
    channels = dict(Task._meta.get_field("channel").choices)
    yes, no = _("must-do"), _("optional")
    for (
        no_,
        name,
        latin,
        campus,
        cat,
        college,
        dept,
        item,
        req,
        state,
        reason,
        amount,
        channel,
        updated,
    ) in qs.iterator(chunk_size=5000):
        yield [
            no_,
            name or latin,
            campus,
            cat,
            college or "",
            dept,
            item,
            yes if req else no,
            str(states[state]),
            reason,
            amount,
            str(channels.get(channel, channel)),
            timezone.localtime(updated).strftime("%Y-%m-%d %H:%M:%S"),
        ]


def _safe_csv(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_chunks(campaign, categories=None):
    """CSV in UTF-8 with BOM (so Chinese Excel opens it), yielded in chunks."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow(task_headers())
    for n, row in enumerate(task_rows(campaign, categories), 1):
        writer.writerow([_safe_csv(v) for v in row])
        if n % 2000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_xlsx(fh, headers, rows, title="tasks"):
    """Write rows to an xlsx file object; strings are always text cells (never formulas)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
    wb.save(fh)


def xlsx_bytes(campaign, categories=None):
    buf = io.BytesIO()
    write_xlsx(buf, task_headers(), task_rows(campaign, categories), title=_("tasks"))
    return buf.getvalue()
