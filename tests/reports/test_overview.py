"""The managing offices' overview: live numbers equal to direct SQL counts, bounded queries, exports."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lixiao.clearance.cases import case_set_status
from lixiao.clearance.models import Channel, Task
from lixiao.clearance.services import ListRow, apply_list, task_block, task_clear
from lixiao.directory.models import Membership
from lixiao.rules.models import Item
from tests.conftest import case_of, task_of


@pytest.fixture
def world(campaign, make_student, launch):
    ug = [make_student(category="UG") for _ in range(4)] + [make_student(category="UG", campus="D")]
    md = [make_student(category="MD") for _ in range(3)]
    apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[
            ListRow(student_no=ug[0].student_no, reason="欠款"),
            ListRow(student_no=md[0].student_no, reason="欠款"),
        ],
    )
    launch(*ug, *md)
    return ug, md


def sql_count(item_code, state, category=None):
    sql = """SELECT COUNT(*) FROM clearance_task t JOIN rules_item i ON i.id = t.item_id
             JOIN clearance_case c ON c.id = t.case_id JOIN directory_category g ON g.id = c.category_id
             WHERE i.code = %s AND t.state = %s"""
    params = [item_code, state]
    if category:
        sql += " AND g.code = %s"
        params.append(category)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def number(html, element_id):
    return int(html.split(f'id="{element_id}">')[1].split("<")[0])


def row_numbers(html, key):
    start = html.index(f'data-key="{key}"')
    row = html[start : html.index("</tr>", start)]
    return [int(x.split("<")[0]) for x in row.split('class="num">')[1:]]


def test_overview_numbers_equal_sql_and_follow_the_counter(client, world, make_user):
    ug, _md = world
    client.force_login(make_user("admin", superuser=True))
    page = client.get(reverse("reports:overview")).text
    done, pending, blocked = row_numbers(page, "tsg-books")[:3]
    assert (
        (done, pending, blocked) == (sql_count("tsg-books", "done"), 0, sql_count("tsg-books", "blocked")) == (6, 0, 2)
    )
    task_clear(task=task_of(ug[0], "tsg-books"), actor=None, channel=Channel.COUNTER)
    page = client.get(reverse("reports:overview"), headers={"HX-Request": "true"}).text
    assert (
        row_numbers(page, "tsg-books")[:3]
        == [7, 0, 1]
        == [sql_count("tsg-books", "done"), 0, sql_count("tsg-books", "blocked")]
    )


def test_office_sees_only_its_categories(client, world, make_user):
    _ug, _md = world
    client.force_login(make_user("yjs", department="m-yjsy", role=Membership.Role.OFFICE))
    page = client.get(reverse("reports:overview")).text
    assert row_numbers(page, "tsg-books")[:3] == [sql_count("tsg-books", "done", "MD"), 0, 1]
    assert 'data-key="jwc-cert"' not in page  # the registrar's undergraduate item is not theirs
    assert '<h3 id="n-roster">3</h3>' in page


@pytest.mark.parametrize("who", ["clerk", "student", "college", "anonymous"])
def test_overview_is_denied_to_others(client, world, make_user, who):
    ug, _md = world
    if who == "clerk":
        client.force_login(make_user("lib", department="m-tsg"))
    elif who == "student":
        ug[1].user = make_user(ug[1].student_no)
        ug[1].save(update_fields=["user"])
        client.force_login(ug[1].user)
    elif who == "college":
        client.force_login(make_user("col", college="软件学院"))
    r = client.get(reverse("reports:overview"))
    assert r.status_code == (302 if who == "anonymous" else 404)
    r = client.get(reverse("reports:export_tasks", kwargs={"fmt": "csv"}))
    assert r.status_code == (302 if who == "anonymous" else 404)


def test_overview_queries_do_not_grow(client, world, make_student, launch, make_user):
    client.force_login(make_user("admin", superuser=True))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("reports:overview"))
    small = len(ctx.captured_queries)
    launch(*[make_student(category=c) for c in ["UG", "MD", "MS", "PHD", "INT_UG"] * 8])
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("reports:overview"))
    assert len(ctx.captured_queries) == small


def test_exports_one_row_per_task_formula_safe(client, world, make_user, tmp_path):
    ug, _md = world
    task_block(task=task_of(ug[1], "wx-account"), actor=None, channel=Channel.COUNTER, reason="=HYPERLINK(1)")
    client.force_login(make_user("admin", superuser=True))
    r = client.get(reverse("reports:export_tasks", kwargs={"fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == Task.objects.count()
    blocked = [row for row in rows if row[0] == ug[1].student_no and row[9].endswith("HYPERLINK(1)")]
    assert blocked and blocked[0][9] == "'=HYPERLINK(1)"
    r = client.get(reverse("reports:export_tasks", kwargs={"fmt": "xlsx"}))
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row - 1 == Task.objects.count()
    cell = next(c for c in ws["J"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"
    out = tmp_path / "t.csv"
    call_command("export_tasks", campaign="june-2026", output=str(out))
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) - 1 == Task.objects.count()


def test_a_deferred_student_leaves_the_funnel_and_the_counts(client, world, make_user):
    """All of a deferred student's open tasks are closed: they must not count as ready, nor their tasks as done."""
    ug, _md = world
    client.force_login(make_user("admin", superuser=True))
    page = client.get(reverse("reports:overview")).text
    roster, ready = (
        int(page.split('id="n-roster">')[1].split("<")[0]),
        int(page.split('id="n-ready">')[1].split("<")[0]),
    )
    done_before = row_numbers(page, "tsg-books")[0]
    case_set_status(case=case_of(ug[1]), status="deferred", actor=None, channel=Channel.ADMIN, reason="延期毕业")
    page = client.get(reverse("reports:overview")).text
    assert (number(page, "n-roster"), number(page, "n-ready")) == (roster - 1, ready)
    assert row_numbers(page, "tsg-books")[0] == done_before - 1
    assert 'id="n-off"' in page
