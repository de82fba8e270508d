"""The counter through HTTP, as a clerk uses it: swipe, repeat, block, clear, name lookup, scan log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent, Task
from lixiao.desk.models import Scan
from lixiao.directory.models import Department
from tests.conftest import task_of


@pytest.fixture
def it_desk(campaign):
    d = Department.objects.get(code="m-wxzx")
    return DeskScope("department", d.pk, str(d)).key


def swipe(client, desk, value):
    return client.post(reverse("desk:scan", kwargs={"scope": desk}), {"q": value})


def test_swipe_clears_and_a_repeat_says_already_done(client, settings, make_student, launch, make_user, it_desk):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0
    s = make_student(card="0666599")
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "0666599\r\n")
    assert r.status_code == 200
    assert 'data-result="cleared"' in r.text and s.name in r.text
    assert task_of(s, "wx-account").state == "done"
    r = swipe(client, it_desk, "0666599")
    assert 'data-result="already"' in r.text
    assert AuditEvent.objects.filter(task__item__code="wx-account", action="clear").count() == 1
    assert list(Scan.objects.order_by("id").values_list("raw", "result", "student")) == [
        ("0666599\\r\\n", "cleared", s.pk),  # stored escaped: the CR LF stay visible in the log
        ("0666599", "already", s.pk),
    ]


def test_a_double_read_within_a_moment_is_ignored(client, settings, make_student, launch, make_user, it_desk):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 60_000
    s = make_student(card="1732697")
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    swipe(client, it_desk, "1732697")
    r = swipe(client, it_desk, "1732697")
    assert r.status_code == 204
    assert Scan.objects.filter(result="ignored").count() == 1
    assert AuditEvent.objects.filter(action="clear").count() == 1


def test_blocked_student_is_shown_not_cleared(client, campaign, make_student, launch, make_user):
    from lixiao.clearance.services import ListRow, apply_list
    from lixiao.rules.models import Item

    s = make_student(card="1984361")
    apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="未还图书 1 册")],
    )
    launch(s)
    lib = Department.objects.get(code="m-tsg")
    desk = DeskScope("department", lib.pk, "").key
    client.force_login(make_user("lib", department="m-tsg"))
    r = swipe(client, desk, "1984361")
    assert 'data-result="blocked"' in r.text and "未还图书 1 册" in r.text
    assert task_of(s, "tsg-books").state == "blocked"
    t = task_of(s, "tsg-books")
    r = client.post(reverse("desk:task_action", kwargs={"scope": desk, "task_id": t.pk, "action": "clear"}))
    assert task_of(s, "tsg-books").state == "done"
    r = client.post(
        reverse("desk:task_action", kwargs={"scope": desk, "task_id": t.pk, "action": "block"}),
        {"reason": "又借未还", "amount": "abc"},
    )
    assert "number" in r.text.lower() or "数字" in r.text
    assert task_of(s, "tsg-books").state == "done"


def test_prerequisite_refusal_is_explained(client, campaign, make_student, launch, make_user, it_desk):
    from lixiao.clearance.services import ListRow, apply_list
    from lixiao.rules.models import Item

    s = make_student(card="0000042")
    apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="欠款")],
    )
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "0000042")
    assert 'data-result="refused"' in r.text
    assert task_of(s, "wx-account").state == "pending"


def test_lookup_by_name_shows_same_names_side_by_side(client, make_student, launch, make_user, it_desk):
    a = make_student(name="张伟", college="化工学院")
    b = make_student(name="张伟", college="物理学院")
    launch(a, b)
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "张伟")
    assert 'data-result="ambiguous"' in r.text
    assert a.student_no in r.text and b.student_no in r.text and "化工学院" in r.text and "物理学院" in r.text
    assert Task.objects.filter(state="done", item__code="wx-account").count() == 0
    r = client.post(reverse("desk:pick", kwargs={"scope": it_desk, "student_no": b.student_no}))
    assert b.student_no in r.text


def test_unknown_card_gets_a_clear_answer(client, make_student, launch, make_user, it_desk):
    launch(make_student())
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "1234567890")
    assert 'data-result="unknown"' in r.text
    assert Scan.objects.get().result == "unknown"


def test_empty_enter_does_nothing(client, make_student, launch, make_user, it_desk):
    launch(make_student())
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "\r")
    assert r.status_code == 204
    assert not Scan.objects.exists()


def test_clerk_cannot_use_another_departments_desk_or_task(client, make_student, launch, make_user, it_desk):
    s = make_student()
    launch(s)
    client.force_login(make_user("lib", department="m-tsg"))
    assert client.get(reverse("desk:counter", kwargs={"scope": it_desk})).status_code == 404
    assert swipe(client, it_desk, s.cards.get().number).status_code == 404
    lib = Department.objects.get(code="m-tsg")
    own = DeskScope("department", lib.pk, "").key
    t = task_of(s, "wx-account")  # the IT centre's task, asked for through the library's own desk
    r = client.post(reverse("desk:task_action", kwargs={"scope": own, "task_id": t.pk, "action": "clear"}))
    assert r.status_code == 404
    assert task_of(s, "wx-account").state == "pending"


def test_college_desk_sees_only_its_students(client, make_student, launch, make_user):
    from lixiao.directory.models import College

    mine = make_student(college="化工学院", name="本院学生")
    other = make_student(college="物理学院", name="外院学生")
    launch(mine, other)
    client.force_login(make_user("col", college="化工学院"))
    desk = DeskScope("college", College.objects.get(code="化工学院").pk, "").key
    r = swipe(client, desk, mine.student_no)
    assert "学院审核" in r.text and mine.student_no in r.text
    r = swipe(client, desk, other.student_no)
    assert 'data-result="unknown"' in r.text
    t = task_of(other, "yx-review")
    r = client.post(reverse("desk:task_action", kwargs={"scope": desk, "task_id": t.pk, "action": "clear"}))
    assert r.status_code == 404


def test_counter_queries_do_not_grow_with_students(client, settings, make_student, launch, make_user, it_desk):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0
    students = [make_student() for _ in range(3)]
    launch(*students)
    client.force_login(make_user("it", department="m-wxzx"))

    def count(value):
        with CaptureQueriesContext(connection) as ctx:
            swipe(client, it_desk, value)
        return len(ctx.captured_queries)

    count(students[2].student_no)  # the first read at a desk creates its station
    small = count(students[0].student_no)
    launch(*[make_student() for _ in range(30)])
    assert count(students[1].student_no) == small
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("desk:counter", kwargs={"scope": it_desk}))
    page = len(ctx.captured_queries)
    launch(*[make_student() for _ in range(30)])
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("desk:counter", kwargs={"scope": it_desk}))
    assert len(ctx.captured_queries) == page


def test_advisor_sees_own_students_waiting_and_signs_off(client, make_student, launch, make_user):
    from lixiao.directory.models import Staff

    adv = Staff.objects.create(staff_no="T123", name="李导师")
    mine = make_student(category="MD", advisor=adv, name="我的学生")
    other = make_student(category="MD", name="别人的学生")
    launch(mine, other)
    adv.user = make_user("T123")
    adv.save(update_fields=["user"])
    client.force_login(adv.user)
    desk = DeskScope("advisor", adv.pk, "").key
    page = client.get(reverse("desk:counter", kwargs={"scope": desk})).text
    assert f'data-waiting="{mine.student_no}"' in page and other.student_no not in page
    t = task_of(mine, "ds-signoff")
    client.post(reverse("desk:task_action", kwargs={"scope": desk, "task_id": t.pk, "action": "clear"}))
    assert task_of(mine, "ds-signoff").state == "done"
    assert AuditEvent.objects.get(task=t, action="clear").channel == "approval"
    assert f'data-waiting="{mine.student_no}"' not in client.get(reverse("desk:counter", kwargs={"scope": desk})).text


def test_typing_a_student_number_looks_up_without_clearing(client, make_student, launch, make_user, it_desk):
    s = make_student()
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, s.student_no)
    assert 'data-result="shown"' in r.text and s.name in r.text
    assert task_of(s, "wx-account").state == "pending"


def test_an_ignored_repeat_or_empty_enter_keeps_the_student_on_screen(
    client, settings, make_student, launch, make_user, it_desk
):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 60_000
    s = make_student(card="7777777")
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    assert swipe(client, it_desk, "7777777").status_code == 200
    assert swipe(client, it_desk, "7777777").status_code == 204  # htmx leaves the panel as it is
    assert swipe(client, it_desk, "\r\n").status_code == 204
    assert list(Scan.objects.order_by("id").values_list("result", flat=True)) == ["cleared", "ignored"]


def test_many_name_matches_ask_for_more(client, make_student, launch, make_user, it_desk):
    launch(*[make_student(name=f"王{i:02d}") for i in range(25)])
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "王")
    assert "More than 20" in r.text or "超过 20" in r.text
    assert r.text.count("data-candidate") == 20


def test_overlong_input_is_refused_and_not_echoed(client, make_student, launch, make_user, it_desk):
    launch(make_student())
    client.force_login(make_user("it", department="m-wxzx"))
    r = swipe(client, it_desk, "9" * 5000)
    assert 'data-result="refused"' in r.text and "9" * 100 not in r.text
    assert len(Scan.objects.get().raw) == 200


def test_a_bad_amount_is_explained_and_the_reason_kept(client, campaign, make_student, launch, make_user, it_desk):
    s = make_student()
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    t = task_of(s, "wx-account")
    r = client.post(
        reverse("desk:task_action", kwargs={"scope": it_desk, "task_id": t.pk, "action": "block"}),
        {"reason": "校园卡欠费", "amount": "1e20"},
    )
    assert 'data-result="refused"' in r.text and 'value="校园卡欠费"' in r.text
    assert task_of(s, "wx-account").state == "pending"


def test_certificates_are_not_handed_over_at_the_counter(client, make_student, launch, make_user):
    s = make_student()
    launch(s)
    jwc = Department.objects.get(code="m-jwc")
    desk = DeskScope("department", jwc.pk, "").key
    client.force_login(make_user("jwc", department="m-jwc"))
    t = task_of(s, "jwc-cert")
    r = client.post(reverse("desk:task_action", kwargs={"scope": desk, "task_id": t.pk, "action": "clear"}))
    assert 'data-result="refused"' in r.text
    assert task_of(s, "jwc-cert").state == "pending"


def test_waive_with_a_reason_from_the_counter(client, make_student, launch, make_user, it_desk):
    s = make_student()
    launch(s)
    client.force_login(make_user("it", department="m-wxzx"))
    page = swipe(client, it_desk, s.student_no).text
    assert "js-waive" in page
    t = task_of(s, "wx-account")
    url = reverse("desk:task_action", kwargs={"scope": it_desk, "task_id": t.pk, "action": "waive"})
    r = client.post(url, {"reason": ""})
    assert 'data-result="refused"' in r.text and task_of(s, "wx-account").state == "pending"
    client.post(url, {"reason": "已在开发区办理"})
    t.refresh_from_db()
    assert (t.state, t.reason) == ("waived", "已在开发区办理")
