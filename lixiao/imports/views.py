"""Imports: upload a roster or a department list -> preview -> apply (or discard)."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from lixiao.accounts.access import can, list_items_for_user
from lixiao.clearance.models import TaskState
from lixiao.clearance.stages import refusal as stage_refusal
from lixiao.directory.models import Student
from lixiao.imports.access import batch_for_user, batches_for_user, list_item_for_user
from lixiao.imports.common import ImportRefused
from lixiao.imports.forms import ListUploadForm, RosterUploadForm
from lixiao.imports.models import ImportBatch
from lixiao.imports.services import apply_batch, create_batch, discard_batch, undo_batch, upload_problem

ROSTER_COUNTS = [
    ("rows", gettext_lazy("Rows read")),
    ("new_students", gettext_lazy("New students")),
    ("changed_students", gettext_lazy("Students with changes")),
    ("unchanged_students", gettext_lazy("Students unchanged")),
    ("new_cases", gettext_lazy("New on this campaign's roster")),
    ("not_in_file", gettext_lazy("On the roster but not in the file")),
    ("new_colleges", gettext_lazy("New colleges")),
    ("new_advisors", gettext_lazy("New advisors")),
    ("renamed_advisors", gettext_lazy("Advisors renamed")),
    ("new_cards", gettext_lazy("New campus cards")),
    ("errors", gettext_lazy("Errors")),
    ("warnings", gettext_lazy("Warnings")),
]
LIST_COUNTS = [
    ("rows", gettext_lazy("Rows read")),
    ("entries", gettext_lazy("Students on the list")),
    ("added", gettext_lazy("Entries to add")),
    ("changed", gettext_lazy("Entries with new details")),
    ("unchanged", gettext_lazy("Entries unchanged")),
    ("released", gettext_lazy("Entries to release")),
    ("not_on_roster", gettext_lazy("Not on this campaign's roster")),
    ("unknown_students", gettext_lazy("Unknown student numbers")),
    ("without_task", gettext_lazy("On the roster, but the item does not apply")),
    ("duplicates", gettext_lazy("Repeated student numbers")),
    ("other_campus", gettext_lazy("Rows for other campuses (left out)")),
    ("kept_manual", gettext_lazy("Tasks decided by a person (kept)")),
    ("errors", gettext_lazy("Errors")),
    ("warnings", gettext_lazy("Warnings")),
]
APPLIED_COUNTS = [
    ("students_created", gettext_lazy("Students created")),
    ("students_updated", gettext_lazy("Students updated")),
    ("students_unchanged", gettext_lazy("Students unchanged")),
    ("colleges_created", gettext_lazy("Colleges created")),
    ("advisors_created", gettext_lazy("Advisors created")),
    ("advisors_renamed", gettext_lazy("Advisors renamed")),
    ("cards_created", gettext_lazy("Campus cards added")),
    ("cases_added", gettext_lazy("Added to the campaign's roster")),
    ("cases_updated", gettext_lazy("Roster entries updated")),
    ("cases_unchanged", gettext_lazy("Already on the roster")),
    ("cases_removed", gettext_lazy("Taken off the roster")),
    ("not_in_file_kept", gettext_lazy("Not in the file, left on the roster")),
    ("entries_added", gettext_lazy("Entries added")),
    ("entries_released", gettext_lazy("Entries released")),
    ("entries_unchanged", gettext_lazy("Entries unchanged")),
    ("not_on_roster", gettext_lazy("Not on this campaign's roster")),
    ("kept_manual", gettext_lazy("Tasks decided by a person (kept)")),
]

# What each recognised column is used as (the keys are the fields of rosters.ROSTER_FIELDS and lists.LIST_FIELDS).
FIELD_LABELS = {
    "student_no": gettext_lazy("student number"),
    "name": pgettext_lazy("person", "name"),
    "name_latin": gettext_lazy("Latin name"),
    "gender": gettext_lazy("gender"),
    "college": gettext_lazy("college"),
    "major": gettext_lazy("major"),
    "class_name": gettext_lazy("class"),
    "campus": gettext_lazy("campus"),
    "card": gettext_lazy("card number"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("email"),
    "advisor_no": gettext_lazy("advisor's staff number"),
    "advisor_name": gettext_lazy("advisor's name"),
    "nationality": gettext_lazy("nationality"),
    "level": gettext_lazy("level"),
    "certificate": gettext_lazy("certificate type"),
    "category": gettext_lazy("category"),
    "serial": gettext_lazy("row number (not used)"),
    "quantity": gettext_lazy("count"),
    "amount": gettext_lazy("amount"),
    "due": gettext_lazy("due date"),
    "fee_item": gettext_lazy("fee item"),
    "reason": gettext_lazy("reason"),
}


def _header_cells(header, kind):
    """[(column label, what it is used as)] for every column of the file's header."""
    field_by_label = {label: name for name, label in header.get("columns", {}).items()}
    unused = gettext_lazy("(not used)") if kind == ImportBatch.Kind.ROSTER else gettext_lazy("(part of the reason)")
    cells = []
    for label in header.get("headers", []):
        name = field_by_label.get(label)
        cells.append((label, FIELD_LABELS.get(name, name) if name else (unused if label else "")))
    return cells


def _labelled(counts, labels):
    return [(label, counts[key]) for key, label in labels if key in counts]


def _task_changes(changes):
    """{'done->blocked': 3} -> [('done', 'blocked', 3)] with the states' labels."""
    names = dict(TaskState.choices)
    out = []
    for key, count in changes.items():
        before, _arrow, after = key.partition("->")
        out.append((names.get(before, before), names.get(after, after), count))
    return out


def _field_label(name):
    return Student._meta.get_field(name).verbose_name


def _index_context(request, roster_form=None, list_form=None):
    user = request.user
    return {
        "can_roster": can(user, "roster.import"),
        "items": list(list_items_for_user(user).select_related("department__campus")),
        "roster_form": roster_form or RosterUploadForm(),
        "list_form": list_form or ListUploadForm(),
        "batches": batches_for_user(user)[:30],
    }


def _require_some_import(user):
    if not can(user, "roster.import") and not list_items_for_user(user).exists():
        raise PermissionDenied


@login_required
def index(request):
    _require_some_import(request.user)
    return render(request, "imports/index.html", _index_context(request))


def _uploaded(request, form, *, kind, item=None):
    """Store an upload as a batch and go to its preview, or show the form again with what is wrong."""
    uploaded = request.FILES.get("file")
    if form.is_valid() and (problem := upload_problem(uploaded)) is not None:
        form.add_error("file", problem.message)  # what the form's own checks leave (a file too big)
    if not form.is_valid():
        forms = {"roster_form": form} if kind == ImportBatch.Kind.ROSTER else {"list_form": form}
        return render(request, "imports/index.html", _index_context(request, **forms), status=400)
    batch, _preview = create_batch(
        kind=kind,
        campaign=form.cleaned_data["campaign"],
        item=item,
        mode=form.cleaned_data.get("mode", "replace"),
        filename=os.path.basename(uploaded.name),
        content=uploaded.read(),
        actor=request.user,
    )
    return redirect("imports:preview", pk=batch.pk)


@login_required
@require_POST
def roster_upload(request):
    if not can(request.user, "roster.import"):
        raise PermissionDenied
    form = RosterUploadForm(request.POST, request.FILES)
    return _uploaded(request, form, kind=ImportBatch.Kind.ROSTER)


@login_required
@require_POST
def list_upload(request):
    item = list_item_for_user(request.user, request.POST.get("item", ""))
    form = ListUploadForm(request.POST, request.FILES)
    return _uploaded(request, form, kind=ImportBatch.Kind.LIST, item=item)


@login_required
def preview(request, pk):
    batch = batch_for_user(request.user, pk)
    summary = batch.summary.get("preview", {})
    applied = batch.summary.get("applied")
    labels = ROSTER_COUNTS if batch.kind == ImportBatch.Kind.ROSTER else LIST_COUNTS
    release = None  # a list's mass release, which the Apply form asks to confirm
    if summary.get("confirm_release"):
        release = {"released": summary["counts"]["released"], "active": summary["active"]}
    changes = [
        {**change, "fields": [(_field_label(name), before, after) for name, before, after in change["fields"]]}
        for change in summary.get("changes", [])
    ]
    removal = None  # the students of the roster a roster file leaves out, which the Apply form may take off
    if summary.get("not_in_file"):
        removal = {
            "count": summary["counts"]["not_in_file"],
            "key": summary.get("removal_key", ""),
            "students": summary["not_in_file"],
            "categories": "、".join(summary.get("covered_categories", [])),
            "removed": applied.get("cases_removed", 0) if applied else None,
        }
    action = "roster" if batch.kind == ImportBatch.Kind.ROSTER else "lists"
    context = {
        "stage_refusal": "" if applied else stage_refusal(batch.campaign, action),
        "batch": batch,
        "summary": summary,
        "counts": _labelled(summary.get("counts", {}), labels),
        "header_cells": _header_cells(summary.get("header", {}), batch.kind),
        "changes": changes,
        "task_changes": _task_changes(summary.get("task_changes", {})),
        "applied": _labelled(applied, APPLIED_COUNTS) if applied else None,
        "applied_task_changes": _task_changes(applied.get("tasks_changed", {})) if applied else [],
        "can_apply": batch.status == ImportBatch.Status.PREVIEW and not summary.get("errors"),
        "waiting": batch.status == ImportBatch.Status.PREVIEW,
        "refused": batch.status == ImportBatch.Status.FAILED,
        "can_undo": batch.kind == ImportBatch.Kind.LIST and batch.status == ImportBatch.Status.APPLIED,
        "undone": summary_undone(batch),
        "release": release,
        "removal": removal,
    }
    return render(request, "imports/preview.html", context)


def _confirmed_removal(request):
    """The removal key the Apply form's checkbox confirms (the roster's students not in the file), or None."""
    return request.POST.get("confirm_removal") or None


def _confirmed_release(request):
    """The number of students the Apply form's checkbox confirms will be released, or None."""
    try:
        return int(request.POST.get("confirm_release", ""))
    except ValueError:
        return None


@login_required
@require_POST
def apply(request, pk):
    batch = batch_for_user(request.user, pk)
    try:
        _batch, result = apply_batch(
            batch=batch,
            actor=request.user,
            confirmed_release=_confirmed_release(request),
            confirmed_removal=_confirmed_removal(request),
        )
    except ImportRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Imported %(file)s.") % {"file": batch.filename})
        if removed := result.get("cases_removed"):
            messages.success(
                request,
                ngettext(
                    "%(count)d student not in the file was taken off the roster.",
                    "%(count)d students not in the file were taken off the roster.",
                    removed,
                )
                % {"count": removed},
            )
        if kept := result.get("not_in_file_kept"):
            messages.warning(
                request,
                ngettext(
                    "%(count)d student not in the file is still on the roster: the box to take them off was not "
                    "ticked. To take them off, upload the file again and tick it.",
                    "%(count)d students not in the file are still on the roster: the box to take them off was not "
                    "ticked. To take them off, upload the file again and tick it.",
                    kept,
                )
                % {"count": kept},
            )
    return redirect("imports:preview", pk=batch.pk)


@login_required
@require_POST
def discard(request, pk):
    batch = batch_for_user(request.user, pk)
    try:
        discard_batch(batch=batch, actor=request.user)
    except ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect("imports:preview", pk=batch.pk)
    messages.info(request, _("Discarded %(file)s; nothing was imported.") % {"file": batch.filename})
    return redirect("imports:index")


def summary_undone(batch):
    return (batch.summary or {}).get("undone")


@login_required
@require_POST
def undo(request, pk):
    """Undo an applied list as a whole, with a reason."""
    batch = batch_for_user(request.user, pk)
    if batch.kind != ImportBatch.Kind.LIST:
        raise Http404
    list_item_for_user(request.user, batch.item_id)
    try:
        undo_batch(batch=batch, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Undid %(file)s: the list is as it was before it.") % {"file": batch.filename})
    except ImportRefused as refused:
        messages.error(request, refused.message)
    return redirect("imports:preview", pk=batch.pk)
