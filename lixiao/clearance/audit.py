"""Who an audit event names as the actor, and what its action is called."""

from django.utils.translation import gettext_lazy


def label_for(actor, label=""):
    if label:
        return label
    if actor is None:
        return "system"
    return actor.get_username()


# What each audit action is called on the pages that show a history.
ACTION_LABELS = {
    "create": gettext_lazy("task created"),
    "clear": gettext_lazy("cleared"),
    "block": gettext_lazy("blocked"),
    "waive": gettext_lazy("waived"),
    "undo": gettext_lazy("undone"),
    "submit": gettext_lazy("submitted online"),
    "list": gettext_lazy("department list"),
    "rebuild": gettext_lazy("tasks rebuilt"),
    "move": gettext_lazy("campus or category changed"),
    "apply": gettext_lazy("application sent"),
    "college_ok": gettext_lazy("approved by the college"),
    "return": gettext_lazy("application returned"),
    "admit": gettext_lazy("admitted by the office"),
    "defer": gettext_lazy("graduation deferred"),
    "remove": gettext_lazy("removed from the roster"),
    "restore": gettext_lazy("put back on the roster"),
}
