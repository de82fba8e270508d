"""Who may see which imports. Capabilities come from lixiao.accounts.access; this only applies them to batches."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from lixiao.accounts.access import can, list_items_for_user, report_categories
from lixiao.imports.models import ImportBatch


def roster_category_ids(user):
    """The ids of the categories whose students ``user`` may create or change with a roster, or None for all.

    None is also the answer for ``user=None``: the command line (import_roster, demo_campaign), whose operator
    can run anything anyway, acts as a superuser. The web always passes the logged-in user.
    """
    if user is None or user.is_superuser:
        return None
    return {category.pk for category in report_categories(user)}


def batches_for_user(user):
    """A superuser sees every batch; anyone else their own uploads, the lists of the items they may upload and,
    if they may import rosters, the rosters touching the categories their office manages."""
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("campaign", "item", "created_by").defer("content")
    if user.is_superuser:
        return batches
    visible = Q(created_by=user) | Q(kind=ImportBatch.Kind.LIST, item__in=list_items_for_user(user))
    if can(user, "roster.import"):
        touching = ImportBatch.categories.through.objects.filter(category__in=report_categories(user))
        visible |= Q(kind=ImportBatch.Kind.ROSTER, pk__in=touching.values("importbatch_id"))
    return batches.filter(visible)


def batch_for_user(user, pk):
    """A batch the user may see and apply, else 404 ("not found" and "not yours" look the same)."""
    return get_object_or_404(batches_for_user(user), pk=pk)


def list_item_for_user(user, pk):
    """An item whose list the user may upload, else 404."""
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(list_items_for_user(user), pk=pk)
