"""The upload -> preview -> apply life of an ImportBatch. The file's bytes are kept on the batch; applying
reads them again, so what is applied is exactly what was uploaded, checked against the database as it is."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.clearance import services as engine
from lixiao.imports.common import ImportRefused, Issue
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.models import ImportBatch
from lixiao.imports.rosters import apply_roster, preview_roster

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def preview_for(batch, *, user):
    """Parse the batch's stored file again and compare it with the database for ``user`` (no writes)."""
    data = bytes(batch.content)
    if batch.kind == ImportBatch.Kind.ROSTER:
        return preview_roster(data=data, filename=batch.filename, campaign=batch.campaign, user=user)
    return preview_list(data=data, filename=batch.filename, campaign=batch.campaign, item=batch.item, mode=batch.mode)


def create_batch(*, kind, campaign, filename, content, actor, item=None, mode="replace"):
    """Store an uploaded file and its preview, computed for ``actor`` (the uploader). A file with errors is
    stored as refused: it can be looked at, not applied. Returns (batch, preview)."""
    batch = ImportBatch(
        kind=kind,
        campaign=campaign,
        item=item if kind == ImportBatch.Kind.LIST else None,
        filename=filename[: ImportBatch._meta.get_field("filename").max_length],
        content=content,
        mode=mode if kind == ImportBatch.Kind.LIST else "replace",
        created_by=actor,
    )
    preview = preview_for(batch, user=actor)
    batch.summary = {"preview": preview.as_dict()}
    if preview.errors:
        batch.status = ImportBatch.Status.FAILED
    with transaction.atomic():
        batch.save()
        if kind == ImportBatch.Kind.ROSTER:
            batch.categories.set(preview.categories)
    return batch, preview


def _check_release_confirmed(preview, confirmed_release):
    """Refuse a list's mass release unless the person applying confirmed the number of students it releases."""
    if not preview.release_needs_confirmation:
        return
    released = len(preview.released)
    if confirmed_release == released:
        return
    if confirmed_release is None:
        message = _("Applying this file releases %(released)d of %(active)d students; tick the box to confirm it.")
    else:
        message = _("Applying this file now releases %(released)d of %(active)d students; check the preview again.")
    raise ImportRefused(
        [],
        preview=preview,
        message=message % {"released": released, "active": preview.active},
        code="release_not_confirmed",
    )


def _roster_shape(summary):
    """What a roster preview showed would change: new and changed students, new cases, the changes themselves."""
    counts = summary.get("counts", {})
    keys = ("new_students", "changed_students", "new_cases")
    return tuple(counts.get(k) for k in keys), summary.get("changes", [])


def apply_batch(*, batch, actor, confirmed_release=None, confirmed_removal=None):
    """Apply a batch waiting for confirmation, for ``actor``, all or nothing. Raises ImportRefused (and marks the
    batch refused) when the file now has errors; a batch already applied or discarded is refused as it is. A list
    releasing many students is applied only with ``confirmed_release`` equal to the number it releases. A roster
    takes the students it leaves out off the campaign's roster only with ``confirmed_removal`` equal to the
    preview's removal key (see rosters.apply_roster); a key no longer true refuses the whole batch, which stays
    waiting with its preview brought up to date."""
    preview = preview_for(batch, user=actor)  # parse outside the transaction: reading a big workbook takes a second
    try:
        with transaction.atomic():
            batch = (
                ImportBatch.objects.select_for_update(of=("self",)).select_related("campaign", "item").get(pk=batch.pk)
            )
            if batch.status != ImportBatch.Status.PREVIEW:
                raise ImportRefused(
                    [],
                    message=_("This import is %(status)s; upload the file again.")
                    % {"status": batch.get_status_display()},
                    code="not_waiting",
                )
            if preview.errors:
                raise ImportRefused(preview.errors, preview=preview)
            if batch.kind == ImportBatch.Kind.ROSTER and _roster_shape(batch.summary.get("preview", {})) != (
                _roster_shape(preview.as_dict())
            ):
                raise ImportRefused(
                    [],
                    preview=preview,
                    message=_("The roster changed since this preview was made: check the preview again, then apply."),
                    code="preview_changed",
                )
            try:
                if batch.kind == ImportBatch.Kind.ROSTER:
                    result = apply_roster(
                        preview=preview, campaign=batch.campaign, actor=actor, confirm_removal=confirmed_removal
                    )
                    batch.categories.set(preview.categories)
                else:
                    _check_release_confirmed(preview, confirmed_release)
                    result = apply_list_import(
                        preview=preview,
                        campaign=batch.campaign,
                        item=batch.item,
                        actor=actor,
                        mode=batch.mode,
                        ref=batch_ref(batch),
                    )
            except engine.ClearanceError as exc:  # the engine refused (the stage is over): nothing is applied
                raise ImportRefused([], preview=preview, message=exc.message, code=exc.code) from exc
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.summary = {"preview": preview.as_dict(), "applied": result}
            batch.save(update_fields=["status", "applied_at", "summary"])
    except ImportRefused as refused:
        waiting = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW)
        summary = {"preview": preview.as_dict()}
        if refused.errors:
            found_at_apply = [issue for issue in refused.errors if issue not in set(preview.errors)]
            summary["preview"]["errors"].extend(issue.as_dict() for issue in found_at_apply)
            summary["preview"]["counts"]["errors"] += len(found_at_apply)
            waiting.update(status=ImportBatch.Status.FAILED, summary=summary)
        elif refused.code in ("release_not_confirmed", "removal_changed", "preview_changed"):
            waiting.update(summary=summary)  # still waiting; the preview shows the numbers as they are now
        raise
    return batch, result


def discard_batch(*, batch, actor):
    """Throw away a batch waiting for confirmation; nothing of it is applied. Refuses (ImportRefused) a batch
    already applied or refused; discarding a discarded batch again changes nothing."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.PREVIEW:
            batch.status = ImportBatch.Status.DISCARDED
            batch.save(update_fields=["status"])
        elif batch.status != ImportBatch.Status.DISCARDED:
            raise ImportRefused(
                [],
                message=_("%(file)s is %(status)s; it cannot be discarded.")
                % {"file": batch.filename, "status": batch.get_status_display()},
                code="not_waiting",
            )
    return batch


def upload_problem(uploaded) -> Issue | None:
    """A refusal of the upload itself (no file, empty, too big), before anything is stored."""
    if uploaded is None:
        return Issue("", None, "", _("Choose a file to upload."))
    if uploaded.size == 0:
        return Issue(uploaded.name, None, "", _("The file is empty."))
    if uploaded.size > MAX_UPLOAD_BYTES:
        return Issue(uploaded.name, None, "", _("The file is larger than 20 MB."))
    return None


def batch_ref(batch):
    """How the engine names a batch's list application, so that it can be undone as a whole."""
    return f"import:{batch.pk}"


def undo_batch(*, batch, actor, reason):
    """Undo an applied list import as a whole through the engine; the batch is marked undone."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("campaign", "item").get(pk=batch.pk)
        if batch.kind != ImportBatch.Kind.LIST or batch.status != ImportBatch.Status.APPLIED:
            raise ImportRefused([], message=_("Only an applied list can be undone."))
        try:
            result = engine.undo_list_apply(
                campaign=batch.campaign, item=batch.item, ref=batch_ref(batch), actor=actor, reason=reason
            )
        except engine.ClearanceError as exc:
            raise ImportRefused([], message=exc.message) from exc
        batch.status = ImportBatch.Status.UNDONE
        batch.summary = {
            **batch.summary,
            "undone": {
                "reason": " ".join(reason.split()),
                "by": actor.get_username() if actor else "",
                "at": timezone.now().isoformat(),
                "entries_released": result.entries_released,
                "entries_restored": result.entries_added,
                "tasks_changed": dict(sorted(result.tasks_changed.items())),
            },
        }
        batch.save(update_fields=["status", "summary"])
    return batch
