"""The upload -> preview -> apply life of an ImportBatch. The file's bytes are kept on the batch; applying
reads them again, so what is applied is exactly what was uploaded, checked against the database as it is."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.imports.common import ImportRefused, Issue
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.models import ImportBatch
from lixiao.imports.rosters import apply_roster, preview_roster

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def preview_for(batch):
    """Parse the batch's stored file again and compare it with the database (no writes)."""
    data = bytes(batch.content)
    if batch.kind == ImportBatch.Kind.ROSTER:
        return preview_roster(data=data, filename=batch.filename, campaign=batch.campaign)
    return preview_list(data=data, filename=batch.filename, campaign=batch.campaign, item=batch.item, mode=batch.mode)


def create_batch(*, kind, campaign, filename, content, actor, item=None, mode="replace"):
    """Store an uploaded file and its preview. Returns (batch, preview)."""
    batch = ImportBatch(
        kind=kind,
        campaign=campaign,
        item=item if kind == ImportBatch.Kind.LIST else None,
        filename=filename[: ImportBatch._meta.get_field("filename").max_length],
        content=content,
        mode=mode if kind == ImportBatch.Kind.LIST else "replace",
        created_by=actor,
    )
    preview = preview_for(batch)
    batch.summary = {"preview": preview.as_dict()}
    batch.save()
    return batch, preview


def apply_batch(*, batch, actor):
    """Apply a batch waiting for confirmation, all or nothing. Raises ImportRefused (and marks the batch
    refused) when the file now has errors; a batch already applied or discarded is refused as it is."""
    preview = preview_for(batch)  # parse outside the transaction: reading a big workbook takes a second
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().select_related("campaign", "item").get(pk=batch.pk)
            if batch.status != ImportBatch.Status.PREVIEW:
                raise ImportRefused(
                    [],
                    message=_("This import is %(status)s; upload the file again.")
                    % {"status": batch.get_status_display()},
                )
            if preview.errors:
                raise ImportRefused(preview.errors, preview=preview)
            if batch.kind == ImportBatch.Kind.ROSTER:
                result = apply_roster(preview=preview, campaign=batch.campaign, actor=actor)
            else:
                result = apply_list_import(
                    preview=preview, campaign=batch.campaign, item=batch.item, actor=actor, mode=batch.mode
                )
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.summary = {"preview": preview.as_dict(), "applied": result}
            batch.save(update_fields=["status", "applied_at", "summary"])
    except ImportRefused as refused:
        if refused.errors:
            summary = {"preview": preview.as_dict()}
            found_at_apply = [issue for issue in refused.errors if issue not in set(preview.errors)]
            summary["preview"]["errors"].extend(issue.as_dict() for issue in found_at_apply)
            summary["preview"]["counts"]["errors"] += len(found_at_apply)
            ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
                status=ImportBatch.Status.FAILED, summary=summary
            )
        raise
    return batch, result


def discard_batch(*, batch, actor):
    """Throw away a batch waiting for confirmation; nothing of it is applied."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.PREVIEW:
            batch.status = ImportBatch.Status.DISCARDED
            batch.save(update_fields=["status"])
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
