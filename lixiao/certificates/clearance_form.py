"""The clearance form (电子离校单): a printable PDF of a case, with a QR code whose link verifies it online.

The link carries a signed token (django.core.signing, salted) with the case id and the time the form was made.
Chinese text uses reportlab's built-in CID font STSong-Light: no font file is needed.
"""

import io
from datetime import UTC, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.core import signing
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lixiao.certificates.models import Collection
from lixiao.clearance.models import TaskState
from lixiao.rules.models import Item

TOKEN_SALT = "lixiao.certificates.clearance-form"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FONT = "STSong-Light"

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


# --- the verification token ----------------------------------------------------------------------------------


def form_token(case, *, issued_at):
    return signing.dumps({"case": case.pk, "at": int(issued_at.timestamp())}, salt=TOKEN_SALT)


def read_form_token(token):
    """(case id, issued at) from a token this site signed, or None for anything else."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or type(data.get("case")) is not int or type(data.get("at")) is not int:
        return None
    return data["case"], datetime.fromtimestamp(data["at"], tz=UTC)


# --- the PDF -------------------------------------------------------------------------------------------------

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.5, leading=10, textColor=colors.HexColor("#555555"))
_TITLE = ParagraphStyle("title", parent=_BODY, fontSize=16, leading=22, spaceAfter=2)
_HEAD = ParagraphStyle("head", parent=_BODY, textColor=colors.white)


def _p(text, style=_BODY):
    return Paragraph(escape(str(text or "")), style)


def shanghai(dt):
    return dt.astimezone(SHANGHAI)


def _english():
    return (get_language() or "").startswith("en")


def _name(obj):
    return obj.name_en if _english() and getattr(obj, "name_en", "") else obj.name


def _handled_by(task, case):
    if task.item.handler == Item.Handler.COLLEGE and case.college:
        return case.college.name
    if task.item.handler == Item.Handler.ADVISOR and case.student.advisor:
        return case.student.advisor.name
    return _name(task.item.department)


def _reason(task):
    if task.state == TaskState.NOT_NEEDED:
        return ""
    text = task.reason
    if task.amount is not None:
        text = f"{text}; ¥{task.amount}" if text else f"¥{task.amount}"  # STSong-Light has no middle dot
    return text


def _done_on(task):
    if task.state in (TaskState.DONE, TaskState.WAIVED):
        return f"{shanghai(task.updated_at):%Y-%m-%d}"
    return ""


def certificate_line(progress, collection):
    """One sentence on the certificates: collected (when, by whom), can be collected, or not yet; None for a
    departure without certificates (a withdrawal)."""
    if not progress["has_final"]:
        return None
    if progress["collected"]:
        if collection is None:
            return _("Certificates: collected.")
        when = f"{shanghai(collection.collected_at):%Y-%m-%d %H:%M}"
        if collection.method == Collection.Method.PROXY:
            return _("Certificates: collected on %(when)s by proxy %(name)s (%(relation)s).") % {
                "when": when,
                "name": collection.proxy_name,
                "relation": collection.proxy_relation,
            }
        return _("Certificates: collected in person on %(when)s.") % {"when": when}
    if progress["can_collect"]:
        return _("Certificates: every must-do item is done; the certificates can be collected.")
    n = len(progress["open_required"])
    return ngettext(
        "Certificates: cannot be collected yet (%(n)s must-do item open).",
        "Certificates: cannot be collected yet (%(n)s must-do items open).",
        n,
    ) % {"n": n}


def _qr(url, size):
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def render_form(*, case, tasks, progress, collection, verify_url, generated_at):
    """The form as PDF bytes. tasks and progress come from clearance.selectors (case_tasks, case_progress)."""
    student = case.student
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Graduation clearance form"),
        author=_("Lixiao graduation clearance"),
        subject=f"{student.student_no}",
    )
    generated = f"{shanghai(generated_at):%Y-%m-%d %H:%M:%S} (Asia/Shanghai)"
    who = [
        [_p(_("Name")), _p(student.display_name)],
        [_p(_("Student number")), _p(student.student_no)],
        [_p(_("Category")), _p(_name(case.category))],
        [_p(_("Campus")), _p(case.campus.name)],
        [_p(_("College")), _p(case.college.name if case.college else "")],
    ]
    who_table = Table(who, colWidths=[28 * mm, 100 * mm])
    who_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    qr_size = 34 * mm
    header = Table(
        [[who_table, [_qr(verify_url, qr_size), _p(_("Scan to verify this form online"), _SMALL)]]],
        colWidths=[180 * mm - qr_size - 4 * mm, qr_size + 4 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))

    must_do = (
        _("Must-do items: all done.")
        if not progress["open_required"]
        else _("Must-do items still open: %(names)s.")
        % {"names": "、".join(_name(t.item) for t in progress["open_required"])}
    )
    rows = [
        [_p(h, _HEAD) for h in ("#", _("Item"), _("Department"), _("Must-do"), _("State"), _("Reason"), _("Done on"))]
    ]
    for n, t in enumerate(tasks, start=1):
        rows.append(
            [
                _p(n),
                _p(_name(t.item)),
                _p(_handled_by(t, case)),
                _p(_("must-do") if t.required else _("optional")),
                _p(t.get_state_display()),
                _p(_reason(t)),
                _p(_done_on(t)),
            ]
        )
    items = Table(rows, colWidths=[8 * mm, 42 * mm, 30 * mm, 17 * mm, 17 * mm, 44 * mm, 22 * mm], repeatRows=1)
    items.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#37474f")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9e9e9e")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f3f3")]),
            ]
        )
    )
    story = [
        _p(_("Graduation clearance form") if progress["has_final"] else _("Clearance form"), _TITLE),
        _p(case.campaign.name, _SMALL),
        Spacer(1, 4 * mm),
        header,
        Spacer(1, 3 * mm),
        _p(must_do),
        *[_p(line) for line in [certificate_line(progress, collection)] if line],
        Spacer(1, 3 * mm),
        items,
        Spacer(1, 4 * mm),
        _p(_("Generated at %(when)s.") % {"when": generated}, _SMALL),
        _p(_("Check this form online: %(url)s") % {"url": verify_url}, _SMALL),
    ]
    doc.build(story)
    return buf.getvalue()
