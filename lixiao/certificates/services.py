"""Writes of the certificates app: recording a collection at the managing office.

Engine-style: keyword-only arguments, the acting user, one transaction, the task row locked; the audit event is
task_clear's, written in the same transaction; refusals raise ClearanceError with a stable code.
"""

import re
from dataclasses import dataclass
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lixiao.certificates.models import Collection
from lixiao.clearance import services as engine
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import Channel, Task, TaskState

__all__ = ["LETTER_MAX_BYTES", "CollectResult", "ProxyAuthorisation", "collect_certificates"]

LETTER_MAX_BYTES = 5 * 1024 * 1024
# What an authorisation letter may be: a scan or photo (JPEG, PNG) or a PDF, told by its first bytes.
LETTER_TYPES = [
    (b"%PDF-", "application/pdf", {"pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {"png"}),
    (b"\xff\xd8\xff", "image/jpeg", {"jpg", "jpeg"}),
]
_ID_CHARS = re.compile(r"[0-9A-Z]+")


@dataclass(frozen=True)
class ProxyAuthorisation:
    """Someone collecting for the student (代领): who, their relation, their ID number, the signed letter."""

    name: str
    relation: str
    id_no: str
    letter: object  # an uploaded file (django.core.files.File)


@dataclass
class CollectResult:
    collection: Collection | None
    changed: bool
    message: str


def _id_chars(value):
    return "".join((value or "").split()).upper()


def _letter_content_type(letter):
    """The letter's content type, if it is a PDF, PNG or JPEG of at most 5 MB; else ClearanceError."""
    if letter is None or not getattr(letter, "name", ""):
        raise ClearanceError(code="letter_required", message=_("Upload the signed authorisation letter."))
    if letter.size > LETTER_MAX_BYTES:
        raise ClearanceError(
            code="letter_too_large",
            message=_("The authorisation letter is larger than %(mb)s MB: scan it at a lower resolution.")
            % {"mb": LETTER_MAX_BYTES // (1024 * 1024)},
        )
    ext = PurePath(letter.name).suffix.lower().lstrip(".")
    letter.seek(0)
    head = letter.read(16)
    letter.seek(0)
    for magic, content_type, extensions in LETTER_TYPES:
        if head.startswith(magic) and ext in extensions:
            return content_type
    raise ClearanceError(
        code="letter_type", message=_("The authorisation letter must be a PDF or an image (JPEG or PNG).")
    )


def _checked_identity(*, identity_checked, id_type, id_last4):
    if not identity_checked:
        raise ClearanceError(
            code="identity_not_checked", message=_("Check the identity document and tick that it was checked.")
        )
    if id_type not in Collection.IdType.values:
        raise ClearanceError(code="id_type_required", message=_("Choose the type of identity document checked."))
    last4 = _id_chars(id_last4)
    if len(last4) != 4 or not _ID_CHARS.fullmatch(last4):
        raise ClearanceError(
            code="id_last4_invalid",
            message=_("Type the last 4 characters of the ID number (digits or letters, like 123X)."),
        )
    return last4


def _checked_proxy(proxy, last4):
    name = " ".join((proxy.name or "").split())
    relation = " ".join((proxy.relation or "").split())
    id_no = _id_chars(proxy.id_no)
    if not name or not relation or not id_no:
        raise ClearanceError(
            code="proxy_incomplete",
            message=_("For collection by proxy give the proxy's name, relation to the student and ID number."),
        )
    if len(name) > 80 or len(relation) > 40 or len(id_no) > 40 or not _ID_CHARS.fullmatch(id_no):
        raise ClearanceError(
            code="proxy_invalid",
            message=_(
                "The proxy's name (80), relation (40) or ID number (40 digits or letters) is too long or malformed."
            ),
        )
    if not id_no.endswith(last4):
        raise ClearanceError(
            code="id_mismatch",
            message=_("The last 4 characters typed (%(last4)s) are not those of the proxy's ID number.")
            % {"last4": last4},
        )
    return name, relation, id_no, _letter_content_type(proxy.letter)


@transaction.atomic
def collect_certificates(
    *,
    task,
    actor,
    identity_checked,
    id_last4,
    id_type=Collection.IdType.RESIDENT_ID,
    proxy=None,
    channel=Channel.COUNTER,
    actor_label="",
):
    """Record that the certificates of a case were collected, in person or by a proxy with an authorisation.

    The certificate task is cleared through the engine (task_clear), so its rule applies: refused while a
    must-do item is open. A second collection of the same task changes nothing and says so.
    """
    task = Task.objects.select_for_update(of=("self",)).select_related("item").get(pk=task.pk)
    if not task.item.final:
        raise ClearanceError(
            code="not_certificate_item", message=_("%(item)s is not a certificate item.") % {"item": task.item.name}
        )
    if task.state == TaskState.DONE:
        existing = Collection.objects.filter(task=task).first()
        when = timezone.localtime(existing.collected_at if existing else task.updated_at)
        return CollectResult(
            collection=existing,
            changed=False,
            message=_("Already collected on %(when)s: nothing recorded again.") % {"when": f"{when:%Y-%m-%d %H:%M}"},
        )
    if task.state == TaskState.NOT_NEEDED:
        raise ClearanceError(code="not_needed", message=_("This student has no certificates to collect here."))
    last4 = _checked_identity(identity_checked=identity_checked, id_type=id_type, id_last4=id_last4)
    fields = {"method": Collection.Method.IN_PERSON}
    note = "in person"
    if proxy is not None:
        name, relation, id_no, content_type = _checked_proxy(proxy, last4)
        fields = {
            "method": Collection.Method.PROXY,
            "proxy_name": name,
            "proxy_relation": relation,
            "proxy_id_no": id_no,
            "letter_content_type": content_type,
        }
        note = f"proxy: {name} ({relation})"
    change = engine.task_clear(task=task, actor=actor, channel=channel, note=note, actor_label=actor_label)
    collection = Collection(
        task=change.task,
        office_id=task.item.department_id,
        id_type=id_type,
        id_last4=last4,
        channel=channel,
        clerk=actor,
        clerk_label=actor_label or (actor.get_username() if actor else "system"),
        collected_at=change.task.updated_at,
        **fields,
    )
    if proxy is None:
        collection.save()
    else:
        collection.letter.save(proxy.letter.name, proxy.letter, save=False)
        try:
            collection.save()
        except BaseException:
            collection.letter.delete(save=False)  # no row, no file: the error itself goes on up
            raise
    return CollectResult(
        collection=collection,
        changed=True,
        message=_("Certificates collected by proxy %(name)s.") % {"name": collection.proxy_name}
        if proxy is not None
        else _("Certificates collected in person."),
    )
