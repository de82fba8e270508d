"""Fixtures for certificate collection and the clearance form: a UG student, the registrar's clerk, uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lixiao.clearance.models import Channel, TaskState
from lixiao.clearance.selectors import case_tasks
from lixiao.clearance.services import task_block, task_clear
from lixiao.directory.models import Department
from tests.conftest import case_of, task_of

PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_letter(name="授权书.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def block_books(student):
    """The library blocks the student: two books and a fine still owed."""
    task_block(
        task=task_of(student, "tsg-books"), actor=None, channel=Channel.COUNTER, reason="未还图书 2 册", amount="35.80"
    )


def clear_must_do(student):
    """Clear every open must-do item of the student's case except the certificates (as the departments would)."""
    for t in case_tasks(case_of(student)):
        if t.required and not t.item.final and t.state not in (TaskState.DONE, TaskState.WAIVED, TaskState.NOT_NEEDED):
            task_clear(task=t, actor=None, channel=Channel.ADMIN, actor_label="test")


def office_url(code, **params):
    url = reverse("certificates:office", kwargs={"office_id": Department.objects.get(code=code).pk})
    if params:
        from django.utils.http import urlencode

        url = f"{url}?{urlencode(params)}"
    return url


def collect_url(code, task):
    return reverse(
        "certificates:collect", kwargs={"office_id": Department.objects.get(code=code).pk, "task_id": task.pk}
    )


IN_PERSON = {"id_type": "resident_id", "id_last4": "123x", "identity_checked": "on", "collector": "in_person"}


def proxy_form(letter, **overrides):
    return {
        "id_type": "resident_id",
        "id_last4": "5678",
        "identity_checked": "on",
        "collector": "proxy",
        "proxy_name": "李四",
        "proxy_relation": "父亲",
        "proxy_id_no": "210202196501015678",
        "letter": letter,
    } | overrides


@pytest.fixture
def ug(campaign, make_student, launch, make_user):
    """An undergraduate on the roster with a login, and a clerk of the registrar (教务处, UG's managing office)."""
    s = make_student(category="UG", name="张三", college="化工学院")
    launch(s)
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    return s, make_user("jwc-clerk", department="m-jwc")


@pytest.fixture
def english(settings):
    """These tests read the English wording; the Chinese is checked by the translation catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
