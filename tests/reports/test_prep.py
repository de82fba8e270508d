"""Data preparation: each department sees what it must still prepare; the dry run predicts the launch."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lixiao.clearance import services
from lixiao.clearance.models import Task
from lixiao.clearance.services import ListRow
from lixiao.directory.models import Membership
from lixiao.rules.models import Item


@pytest.fixture
def roster(campaign, make_student):
    students = [make_student(category="UG") for _ in range(10)]
    services.enroll_students(campaign=campaign, students=students, actor=None)
    return students


def row(page, code):
    start = page.index(f'data-item="{code}"')
    return page[start : page.index("</tr>", start)]


def test_dry_run_predicts_exactly_what_the_launch_gives(client, campaign, roster, make_user):
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="欠", amount=Decimal(1)) for s in roster[:2]],
    )
    client.force_login(make_user("jwc", department="m-jwc", role=Membership.Role.OFFICE))
    page = client.get(reverse("reports:prep")).text
    assert "dry run" in page or "预演" in page or "试运行" in page
    lib = row(page, "tsg-books")
    assert 'data-ready="yes"' in lib and '<td class="num">8</td><td class="num">0</td><td class="num">2</td>' in lib
    services.launch_campaign(campaign=campaign, actor=None)
    assert Task.objects.filter(item__code="tsg-books", state="blocked").count() == 2
    assert Task.objects.filter(item__code="tsg-books", state="done").count() == 8


def test_missing_lists_are_shown_and_a_heavy_list_is_flagged(client, campaign, roster, make_user):
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="cw-fees"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="学费") for s in roster[:5]],
    )
    client.force_login(make_user("jwc", department="m-jwc", role=Membership.Role.OFFICE))
    page = client.get(reverse("reports:prep")).text
    assert 'data-ready="no"' in row(page, "hq-dorm")  # the dorm scope list is not uploaded yet
    fees = row(page, "cw-fees")
    assert 'data-anomaly="yes"' in fees and "50%" in fees
    assert 'data-anomaly="no"' in row(page, "tsg-books")


def test_a_department_sees_only_its_own_items(client, campaign, roster, make_user):
    client.force_login(make_user("lib", department="m-tsg"))
    page = client.get(reverse("reports:prep")).text
    assert 'data-item="tsg-books"' in page
    assert 'data-item="cw-fees"' not in page


@pytest.mark.parametrize("who", ["student", "college", "nobody"])
def test_others_are_refused(client, campaign, roster, make_user, who):
    if who == "student":
        roster[0].user = make_user(roster[0].student_no)
        roster[0].save(update_fields=["user"])
        client.force_login(roster[0].user)
    elif who == "college":
        client.force_login(make_user("col", college="软件学院"))
    else:
        client.force_login(make_user("nobody"))
    assert client.get(reverse("reports:prep")).status_code == 404
