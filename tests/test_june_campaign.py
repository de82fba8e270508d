"""The June 2026 campaign end to end on the sample files, as `make demo` builds it, then a day at two counters."""

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent, Case, ListEntry, Task
from lixiao.directory.models import Department
from lixiao.rules.reference import REFERENCE_DIR, read_table2
from tests.conftest import SAMPLES

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not beside this checkout")


@pytest.fixture(scope="module")
def june(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        call_command("demo_campaign", samples=str(SAMPLES), stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def db_june(june, db):
    return None


def test_every_graduate_has_exactly_the_items_table2_gives(db_june):
    assert Case.objects.count() == 7615
    by_column = Counter(Case.objects.values_list("campus__code", "category__code"))
    assert sum(by_column.values()) == 7615
    assert by_column[("M", "UG")] == 3400 and by_column[("D", "UG")] == 780
    table2 = read_table2(REFERENCE_DIR / "table2_departments_by_category.csv")
    rows = Task.objects.values_list(
        "case_id",
        "case__campus__code",
        "case__category__code",
        "item__department__campus__name",
        "item__department__name",
    )
    got = {}
    columns = {}
    for case_id, campus, cat, dcampus, dname in rows.iterator(chunk_size=10000):
        got.setdefault(case_id, set()).add((dcampus, dname))
        columns[case_id] = f"{campus}_{cat}"
    assert len(got) == 7615
    expected = {col: {(c, d) for c, d, cols in table2 if cols[col]} for col in set(columns.values())}
    wrong = [case_id for case_id, depts in got.items() if depts != expected[columns[case_id]]]
    assert wrong == []


def test_library_list_blocks_with_count_and_amount(db_june):
    blocked = Task.objects.filter(item__code="tsg-books", state="blocked")
    assert blocked.count() == ListEntry.objects.filter(item__code="tsg-books", active=True).count() == 260
    assert not Task.objects.filter(item__code="tsg-books", state="pending").exists()
    fined = blocked.filter(amount__gt=0).first()
    assert "册" in fined.reason and fined.amount > 0
    assert Task.objects.filter(item__code="tsg-books", state="done").count() == 7615 - 260


def test_launching_and_importing_again_changes_nothing(db_june):
    before = (Task.objects.count(), AuditEvent.objects.count(), ListEntry.objects.count())
    call_command("launch_campaign", campaign="june-2026", stdout=io.StringIO())
    call_command(
        "import_list",
        str(SAMPLES / "library_overdue.xlsx"),
        campaign="june-2026",
        item="tsg-books",
        stdout=io.StringIO(),
    )
    assert (Task.objects.count(), AuditEvent.objects.count(), ListEntry.objects.count()) == before


def _desk(code):
    return DeskScope("department", Department.objects.get(code=code).pk, "").key


def _swipes():
    return [line for line in (SAMPLES / "counter_swipes.txt").read_text().splitlines() if line.strip()]


def test_a_day_at_the_library_and_it_counters(client, db_june, settings):
    """The library clerk swipes every card of counter_swipes.txt and clears the blocked ones with one key (F2 is a
    click on the first clear button); the IT centre then clears everyone. Repeats change nothing."""
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0  # the file's repeats come later than a reader's double read
    swipes = _swipes()
    library, itc = _desk("m-tsg"), _desk("m-wxzx")
    client.force_login(get_user_model().objects.get(username="clerk-m-tsg"))
    results = Counter()
    for card in swipes:
        r = client.post(reverse("desk:scan", kwargs={"scope": library}), {"q": card + "\r"})
        result = r.text.split('data-result="')[1].split('"')[0]
        results[result] += 1
        if result == "blocked":
            task_id = r.text.split('data-task="')[1].split('"')[0]
            client.post(reverse("desk:task_action", kwargs={"scope": library, "task_id": task_id, "action": "clear"}))
    assert results["blocked"] >= 1
    assert results["blocked"] + results["already"] == len(swipes)
    lib_events = AuditEvent.objects.filter(task__item__code="tsg-books", channel="counter")
    assert lib_events.count() == results["blocked"]
    assert lib_events.values("task").distinct().count() == lib_events.count()

    client.force_login(get_user_model().objects.get(username="clerk-m-wxzx"))
    results = Counter()
    for card in swipes:
        r = client.post(reverse("desk:scan", kwargs={"scope": itc}), {"q": card})
        results[r.text.split('data-result="')[1].split('"')[0]] += 1
    distinct = len(set(swipes))
    assert results == {"cleared": distinct, "already": len(swipes) - distinct}
    events = AuditEvent.objects.filter(task__item__code="wx-account", action="clear")
    assert events.count() == distinct == events.values("task").distinct().count()

    # the overview equals a direct SQL count
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(reverse("reports:overview")).text
    row = page[page.index('data-key="wx-account"') :]
    done = int(row.split('class="num">')[1].split("<")[0])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM clearance_task t JOIN rules_item i ON i.id = t.item_id "
            "WHERE i.code = 'wx-account' AND t.state = 'done'"
        )
        assert done == cur.fetchone()[0] == distinct
