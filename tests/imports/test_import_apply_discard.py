"""Apply and discard on the pages: what is done stays done, and a mass release needs an explicit confirmation."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from samplefiles import csv_bytes, upload

from lixiao.clearance.models import ListEntry
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.models import ImportBatch
from lixiao.rules.models import Item

pytestmark = pytest.mark.django_db

ROSTER = csv_bytes("学号,姓名,学院", "2026100001,张三,化工学院")
HEADER_ONLY = csv_bytes("学号,欠费金额")


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def post(client, name, batch, data=None):
    return client.post(reverse(name, kwargs={"pk": batch.pk}), data or {}, follow=True)


# --- discard --------------------------------------------------------------------------------------------


def test_discarding_an_applied_import_is_refused(campaign, users, client):
    english(client, users["registrar"])
    client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("r.csv", ROSTER)})
    batch = ImportBatch.objects.get()
    post(client, "imports:apply", batch)
    response = post(client, "imports:discard", batch)
    assert messages_of(response) == ["r.csv is applied; it cannot be discarded."]
    assert not any("nothing was imported" in message for message in messages_of(response))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_discarding_a_refused_import_is_refused(campaign, users, client):
    english(client, users["registrar"])
    bad = csv_bytes("学号,姓名", ",张三")
    client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("bad.csv", bad)})
    batch = ImportBatch.objects.get()
    response = post(client, "imports:discard", batch)
    assert messages_of(response) == ["bad.csv is refused; it cannot be discarded."]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED


def test_discarding_a_waiting_import(campaign, users, client):
    english(client, users["registrar"])
    client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("r.csv", ROSTER)})
    batch = ImportBatch.objects.get()
    response = post(client, "imports:discard", batch)
    assert messages_of(response) == ["Discarded r.csv; nothing was imported."]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED


# --- replace mode: releasing many needs a confirmation ---------------------------------------------------


@pytest.fixture
def fees(campaign, make_student, launch):
    """cw-fees with four students on its list (the campaign launched)."""
    students = [make_student(student_no=f"202200000{n}") for n in range(1, 5)]
    launch(*students)
    item = Item.objects.get(code="cw-fees")
    data = csv_bytes("学号,欠费金额", *(f"{s.student_no},100" for s in students))
    preview = preview_list(data=data, filename="all.csv", campaign=campaign, item=item)
    apply_list_import(preview=preview, campaign=campaign, item=item, actor=None)
    return item


def active(item):
    return ListEntry.objects.filter(item=item, active=True).count()


def upload_list(client, campaign, item, name, data, mode="replace"):
    client.post(
        reverse("imports:list_upload"),
        {"campaign": campaign.pk, "item": item.pk, "mode": mode, "file": upload(name, data)},
    )
    return ImportBatch.objects.latest("pk")


def test_a_header_only_file_releases_everyone_only_when_confirmed(campaign, users, client, fees):
    english(client, users["finance"])
    batch = upload_list(client, campaign, fees, "empty.csv", HEADER_ONLY)
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    html = page.content.decode()
    assert "This releases 4 of 4 students on the list." in html
    assert 'name="confirm_release" value="4"' in html and "I understand 4 students will be released" in html

    response = post(client, "imports:apply", batch)  # the box not ticked (the browser's check bypassed)
    assert messages_of(response) == ["Applying this file releases 4 of 4 students; tick the box to confirm it."]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and active(fees) == 4

    response = post(client, "imports:apply", batch, {"confirm_release": "4"})
    assert messages_of(response) == ["Imported empty.csv."]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and active(fees) == 0


def test_releasing_more_than_30_percent_needs_the_number_confirmed(campaign, users, client, fees):
    english(client, users["finance"])
    batch = upload_list(client, campaign, fees, "one.csv", csv_bytes("学号,欠费金额", "2022000001,100"))
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    assert "This releases 3 of 4 students on the list." in page.content.decode()

    response = post(client, "imports:apply", batch, {"confirm_release": "2"})  # a number no longer true
    assert messages_of(response) == ["Applying this file now releases 3 of 4 students; check the preview again."]
    assert active(fees) == 4
    response = post(client, "imports:apply", batch, {"confirm_release": "3"})
    assert messages_of(response) == ["Imported one.csv."] and active(fees) == 1


def test_the_number_confirmed_is_the_number_at_apply(campaign, users, client, fees):
    """A fifth entry is added between preview and apply: the confirmation of 3 is no longer enough."""
    english(client, users["finance"])
    batch = upload_list(client, campaign, fees, "one.csv", csv_bytes("学号,欠费金额", "2022000001,100"))
    more = csv_bytes("学号,欠费金额", "2022000005,100")
    preview = preview_list(data=more, filename="more.csv", campaign=campaign, item=fees, mode="append")
    apply_list_import(preview=preview, campaign=campaign, item=fees, actor=None)

    response = post(client, "imports:apply", batch, {"confirm_release": "3"})
    assert messages_of(response) == ["Applying this file now releases 4 of 5 students; check the preview again."]
    assert active(fees) == 5
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    assert "This releases 4 of 5 students on the list." in page.content.decode()  # the preview is up to date


def test_a_small_release_or_an_append_needs_no_confirmation(campaign, users, client, fees):
    english(client, users["finance"])
    three = csv_bytes("学号,欠费金额", "2022000001,100", "2022000002,100", "2022000003,100")
    batch = upload_list(client, campaign, fees, "three.csv", three)
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    assert "confirm_release" not in page.content.decode() and page.context["release"] is None
    assert messages_of(post(client, "imports:apply", batch)) == ["Imported three.csv."]
    assert active(fees) == 3

    batch = upload_list(client, campaign, fees, "empty.csv", HEADER_ONLY, mode="append")
    assert "confirm_release" not in client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).content.decode()
    assert messages_of(post(client, "imports:apply", batch)) == ["Imported empty.csv."]
    assert active(fees) == 3


def test_the_command_prints_the_mass_release(campaign, fees, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(HEADER_ONLY)
    out = StringIO()
    call_command("import_list", "--campaign", campaign.code, "--item", "cw-fees", "--dry-run", str(path), stdout=out)
    assert "warning: this releases 4 of 4 students on the list" in out.getvalue()
