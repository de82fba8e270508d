"""Who may see which imports. Capabilities come from lixiao.accounts.access; this only applies them to batches."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from lixiao.accounts.access import can, list_items_for_user
from lixiao.imports.models import ImportBatch


def batches_for_user(user):
    """Roster imports for those who may import rosters; list imports for the items one may upload."""
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    visible = Q(kind=ImportBatch.Kind.LIST, item__in=list_items_for_user(user))
    if can(user, "roster.import"):
        visible |= Q(kind=ImportBatch.Kind.ROSTER)
    return ImportBatch.objects.filter(visible).select_related("campaign", "item", "created_by").defer("content")


def batch_for_user(user, pk):
    """A batch the user may see and apply, else 404 ("not found" and "not yours" look the same)."""
    return get_object_or_404(batches_for_user(user), pk=pk)


def list_item_for_user(user, pk):
    """An item whose list the user may upload, else 404."""
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(list_items_for_user(user), pk=pk)
