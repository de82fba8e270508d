"""What the preview page shows before anything is applied: the new students themselves, the defaults a file
falls back to, and each problem once, in the reader's language."""

import pytest
from django.conf import settings
from django.urls import reverse
from samplefiles import csv_bytes, upload

from lixiao.clearance.models import ListEntry
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.models import ImportBatch
from lixiao.rules.models import Item

pytestmark = pytest.mark.django_db


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def upload_roster(client, campaign, name, data):
    response = client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload(name, data)})
    assert response.status_code == 302, response.content.decode()
    return client.get(response["Location"])


def places(issues):
    return [(i["filename"], i["row"], i["column"]) for i in issues]


# --- the new students, one by one -------------------------------------------------------------------------


def test_the_new_students_are_listed_with_their_decoded_names(campaign, users, client, samples):
    english(client, users["admin"])
    page = upload_roster(
        client, campaign, "roster_gbk_no_bom.csv", (samples / "field" / "roster_gbk_no_bom.csv").read_bytes()
    )
    new = page.context["summary"]["new_students"]
    assert [4, "2021010003", "阿卜杜·热合曼", "", "本科", "主校区", "化学学院"] in new
    html = page.content.decode()
    for name in ("<td>阿卜杜·热合曼</td>", "<td>陈堃</td>", "<td>赵喆</td>", "<td>孙浩然</td>"):
        assert name in html


def test_numbers_with_leading_zeros_are_shown_as_read(campaign, users, client, samples):
    english(client, users["admin"])
    data = (samples / "field" / "roster_ids_as_numbers.xlsx").read_bytes()
    page = upload_roster(client, campaign, "roster_ids_as_numbers.xlsx", data)
    assert "<td>0210123456</td>" in page.content.decode()
    assert [row[1] for row in page.context["summary"]["new_students"]] == ["0210123456", "2021010011", "2021010000"]


def test_the_first_50_new_students_are_shown_with_every_detail(campaign, users, client):
    english(client, users["admin"])
    rows = [f"20261{n:05d},学生{n},,本科,主校区,化工学院" for n in range(1, 61)]
    rows[0] = "LXB20260001,,ANNA IVANOVA,留学生本科,主校区,外国语学院"
    page = upload_roster(client, campaign, "sixty.csv", csv_bytes("学号,姓名,英文姓名,类别,校区,学院", *rows))
    new = page.context["summary"]["new_students"]
    assert len(new) == 50 and page.context["summary"]["counts"]["new_students"] == 60
    assert new[0] == [2, "LXB20260001", "", "ANNA IVANOVA", "留学生本科", "主校区", "外国语学院"]
    assert new[1] == [3, "2026100002", "学生2", "", "本科", "主校区", "化工学院"]
    html = page.content.decode()
    assert "The first 50 of 60 are shown." in html and "<td>ANNA IVANOVA</td>" in html
    assert "<td>2026100050</td>" in html and "2026100051" not in html


def test_changed_students_are_shown_field_by_field(campaign, users, client, make_student):
    make_student(student_no="2026100001", name="张三", college="化工学院")
    english(client, users["registrar"])
    page = upload_roster(client, campaign, "r.csv", csv_bytes("学号,姓名,学院", "2026100001,张叁,化工学院"))
    assert [(c["student_no"], c["fields"]) for c in page.context["changes"]] == [
        ("2026100001", [("name", "张三", "张叁")])
    ]
    assert "<td>张叁</td>" in page.content.decode()
    assert not page.context["summary"]["new_students"]


# --- the defaults of a file without category or campus ------------------------------------------------------


def test_a_file_without_category_and_campus_columns_says_what_it_assumes(campaign, users, client, samples):
    """cards_master.csv is not a roster, but has 学号 and 姓名: every row would become an undergraduate."""
    english(client, users["registrar"])
    page = upload_roster(client, campaign, "cards_master.csv", (samples / "field" / "cards_master.csv").read_bytes())
    warnings = [w["message"] for w in page.context["summary"]["warnings"]]
    assert "No category column (培养层次/学历层次/类别): every row is taken as 本科." in warnings
    assert "No 校区 column: every row is taken as 主校区." in warnings
    html = page.content.decode()
    assert "every row is taken as 本科" in html and "every row is taken as 主校区" in html


def test_a_file_with_category_and_campus_columns_assumes_nothing(campaign, users, client):
    english(client, users["registrar"])
    page = upload_roster(client, campaign, "r.csv", csv_bytes("学号,姓名,类别,校区", "2026100001,张三,本科,主校区"))
    assert page.context["summary"]["warnings"] == []


def test_the_defaults_are_said_in_chinese(campaign, users, client):
    client.force_login(users["registrar"])
    page = upload_roster(client, campaign, "r.csv", csv_bytes("学号,姓名", "2026100001,张三"))
    assert [w["message"] for w in page.context["summary"]["warnings"]] == [
        "文件没有类别列（培养层次/学历层次/类别）：所有行都按“本科”导入。",
        "文件没有校区列：所有行都按“主校区”导入。",
    ]


# --- small gaps -------------------------------------------------------------------------------------------


def test_a_number_in_scientific_notation_is_one_error(campaign, users, client):
    english(client, users["registrar"])
    page = upload_roster(client, campaign, "e.csv", csv_bytes("学号,姓名", "2.02202E+09,张三", "2026100002,李四"))
    (error,) = page.context["summary"]["errors"]
    assert (error["row"], error["column"]) == (2, "学号") and "scientific notation" in error["message"]

    item = Item.objects.get(code="cw-fees")
    preview = preview_list(
        data=csv_bytes("学号,欠费金额", "2.02202E+09,5"), filename="l.csv", campaign=campaign, item=item
    )
    assert [(i.row, i.column) for i in preview.errors] == [(2, "学号")]


def test_a_list_whose_rows_all_have_errors_says_no_row_is_usable(campaign, users, client, make_student, launch):
    launch(make_student(student_no="2022000001"))
    item = Item.objects.get(code="cw-fees")
    preview = preview_list(
        data=csv_bytes("学号,欠费金额", "2022000001,5"), filename="l.csv", campaign=campaign, item=item
    )
    apply_list_import(preview=preview, campaign=campaign, item=item, actor=None)
    english(client, users["finance"])
    bad = csv_bytes("学号,欠费金额", "2022000001,abc", "2022000002,xyz")
    client.post(
        reverse("imports:list_upload"),
        {"campaign": campaign.pk, "item": item.pk, "mode": "replace", "file": upload("bad.csv", bad)},
    )
    summary = ImportBatch.objects.latest("pk").summary["preview"]
    assert places(summary["errors"]) == [("bad.csv", 2, "欠费金额"), ("bad.csv", 3, "欠费金额")]
    messages = [w["message"] for w in summary["warnings"]]
    assert "None of the file's 2 rows is usable; see the errors and warnings." in messages
    assert not any("lists nobody" in message for message in messages)
    assert ListEntry.objects.filter(active=True).count() == 1


@pytest.mark.parametrize(("language", "message"), [("zh-hans", "文件为空。"), ("en", "The file is empty.")])
def test_an_empty_file_is_one_message_in_the_readers_language(language, message, campaign, users, client):
    client.force_login(users["registrar"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload("e.csv", b"")})
    assert response.status_code == 400 and not ImportBatch.objects.exists()
    assert response.context["roster_form"].errors["file"] == [message]
    assert response.content.decode().count('class="error"') == 1


def test_a_file_with_errors_is_refused_in_recent_imports(campaign, users, client):
    english(client, users["registrar"])
    page = upload_roster(client, campaign, "bad.csv", csv_bytes("学号,姓名", ",张三", "2026100002,李四"))
    assert not page.context["waiting"] and page.context["refused"]
    assert "This file has errors and cannot be applied." in page.content.decode()
    index = client.get(reverse("imports:index"))
    (batch,) = index.context["batches"]
    assert batch.status == ImportBatch.Status.FAILED
    html = index.content.decode()
    assert "refused" in html and "1 error" in html and "waiting for confirmation" not in html
