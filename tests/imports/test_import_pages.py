"""The import pages as people use them: upload -> preview -> apply or discard, and who may do what."""

import pytest
from django.urls import reverse
from samplefiles import csv_bytes, upload

from lixiao.directory.models import Card, Student
from lixiao.imports.models import ImportBatch
from lixiao.imports.services import create_batch
from lixiao.rules.models import Item

pytestmark = pytest.mark.django_db

ROLES = ["admin", "registrar", "gradschool", "librarian", "finance", "leader", "college", "student", "anonymous"]

ROSTER = csv_bytes("学号,姓名,学院,一卡通号", "2026100001,张三,化工学院,0012345", "2026100002,李四,软件学院,0012346")
LIBRARY = csv_bytes("读者证号,读者姓名,未还册数,欠款(元)", "2026100001,张三,2,35.8")


@pytest.fixture
def pages(campaign, users):
    """page -> (method, url, data factory); the batches are made by the people who may make them."""
    library = Item.objects.get(code="tsg-books")
    list_batch, _ = create_batch(
        kind=ImportBatch.Kind.LIST,
        campaign=campaign,
        item=library,
        filename="lib.csv",
        content=LIBRARY,
        actor=users["librarian"],
    )
    roster_batch, _ = create_batch(
        kind=ImportBatch.Kind.ROSTER, campaign=campaign, filename="r.csv", content=ROSTER, actor=users["registrar"]
    )
    return {
        "index": ("get", reverse("imports:index"), dict),
        "roster_upload": (
            "post",
            reverse("imports:roster_upload"),
            lambda: {"campaign": campaign.pk, "file": upload("r.csv", ROSTER)},
        ),
        "list_upload": (
            "post",
            reverse("imports:list_upload"),
            lambda: {"campaign": campaign.pk, "item": library.pk, "mode": "replace", "file": upload("l.csv", LIBRARY)},
        ),
        "list_preview": ("get", reverse("imports:preview", kwargs={"pk": list_batch.pk}), dict),
        "roster_preview": ("get", reverse("imports:preview", kwargs={"pk": roster_batch.pk}), dict),
        "list_apply": ("post", reverse("imports:apply", kwargs={"pk": list_batch.pk}), dict),
        "roster_discard": ("post", reverse("imports:discard", kwargs={"pk": roster_batch.pk}), dict),
    }


# page -> {role: status}; a logged-in role not listed gets 404, anonymous is sent to the login page (302)
EXPECTED = {
    "index": {"admin": 200, "registrar": 200, "gradschool": 200, "librarian": 200, "finance": 200, "leader": 403,
              "college": 403, "student": 403},
    "roster_upload": {"admin": 302, "registrar": 302, "gradschool": 302, "librarian": 403, "finance": 403,
                      "leader": 403, "college": 403, "student": 403},
    "list_upload": {"admin": 302, "librarian": 302},
    "list_preview": {"admin": 200, "librarian": 200},
    "roster_preview": {"admin": 200, "registrar": 200},
    "list_apply": {"admin": 302, "librarian": 302},
    "roster_discard": {"admin": 302, "registrar": 302},
}  # fmt: skip


@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_do_what(page, pages, users, client):
    method, url, data = pages[page]
    got, expected = {}, {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = getattr(client, method)(url, data())
        got[role] = response.status_code
        expected[role] = 302 if role == "anonymous" else EXPECTED[page].get(role, 404)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login")), page
    assert got == expected


def test_apply_is_post_only(pages, users, client):
    client.force_login(users["librarian"])
    assert client.get(pages["list_apply"][1]).status_code == 405


def test_roster_upload_preview_apply(campaign, users, client):
    client.force_login(users["registrar"])
    data = csv_bytes("学号,姓名,学院,一卡通号", "2026100001,阿卜杜·热合曼,化工学院,0012345", encoding="gb18030")
    response = client.post(
        reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("名单.csv", data)}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.filename == "名单.csv" and batch.status == "preview"
    assert not Student.objects.filter(student_no="2026100001").exists()

    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    html = page.content.decode()
    assert "gb18030" in html and "<th>学号</th>" in html and "<th>一卡通号</th>" in html
    assert ("本科", "主校区", 1) in [tuple(x) for x in page.context["summary"]["breakdown"]]
    assert page.context["can_apply"]

    response = client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.applied_at is not None
    assert batch.summary["applied"]["students_created"] == 1
    s = Student.objects.get(student_no="2026100001")
    assert (s.name, s.college.name, s.cards.get().number) == ("阿卜杜·热合曼", "化工学院", "0012345")
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    assert not page.context["can_apply"] and page.context["applied"]


def test_a_bad_file_shows_every_error_and_cannot_be_applied(campaign, users, client):
    client.force_login(users["registrar"])
    before = Student.objects.count()
    data = csv_bytes("学号,姓名,校区", "2026100001,张三,主校区", ",李四,主校区", "2026100003,王五,火星校区")
    client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("bad.csv", data)})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    errors = [(e["filename"], e["row"], e["column"]) for e in page.context["summary"]["errors"]]
    assert errors == [("bad.csv", 3, "学号"), ("bad.csv", 4, "校区")]
    html = page.content.decode()
    assert "火星校区" in html
    assert reverse("imports:apply", kwargs={"pk": batch.pk}) not in html  # no Apply button

    response = client.post(reverse("imports:apply", kwargs={"pk": batch.pk}), follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert Student.objects.count() == before


def test_apply_checks_the_file_again(campaign, users, client, make_student):
    """Between preview and apply someone else took the card number: the apply is refused, nothing written."""
    client.force_login(users["registrar"])
    client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("r.csv", ROSTER)})
    batch = ImportBatch.objects.get()
    assert batch.summary["preview"]["counts"]["errors"] == 0
    make_student(card="0012345")
    before = (Student.objects.count(), Card.objects.count())
    client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert [(e["row"], e["column"]) for e in batch.summary["preview"]["errors"]] == [(2, "一卡通号")]
    assert (Student.objects.count(), Card.objects.count()) == before


def test_discard(campaign, users, client):
    client.force_login(users["librarian"])
    library = Item.objects.get(code="tsg-books")
    client.post(
        reverse("imports:list_upload"),
        {"campaign": campaign.pk, "item": library.pk, "mode": "append", "file": upload("l.csv", LIBRARY)},
    )
    batch = ImportBatch.objects.get()
    assert (batch.mode, batch.item) == ("append", library)
    assert client.post(reverse("imports:discard", kwargs={"pk": batch.pk})).status_code == 302
    client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    batch.refresh_from_db()
    assert batch.status == "discarded"
    assert not library.list_entries.exists()


def test_upload_without_a_file_shows_the_form_again(campaign, users, client):
    client.force_login(users["registrar"])
    response = client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_the_index_offers_only_ones_own_items(campaign, users, client):
    client.force_login(users["librarian"])
    page = client.get(reverse("imports:index"))
    assert [i.code for i in page.context["items"]] == ["tsg-books"]
    assert not page.context["can_roster"]
