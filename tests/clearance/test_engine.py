"""The engine's rules, directly: launch, lists, prerequisites, the certificate, idempotence, audit."""

from decimal import Decimal

import pytest

from lixiao.clearance import services
from lixiao.clearance.models import AuditEvent, Channel, ListEntry, Task, TaskState
from lixiao.clearance.services import ClearanceError, ListRow
from lixiao.rules.models import Item
from tests.conftest import task_of


def test_launch_sets_first_states_from_lists(campaign, make_student, launch):
    listed, free = make_student(), make_student()
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=listed.student_no, reason="未还图书 2 册", amount=Decimal("12.50"), quantity=2)],
    )
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="hq-dorm"),
        actor=None,
        rows=[ListRow(student_no=free.student_no)],
    )
    launch(listed, free)
    blocked = task_of(listed, "tsg-books")
    assert (blocked.state, blocked.reason, blocked.amount) == (
        TaskState.BLOCKED,
        "未还图书 2 册",
        Decimal("12.50"),
    )
    assert task_of(free, "tsg-books").state == TaskState.DONE  # blacklist: passes unless listed
    assert task_of(free, "hq-dorm").state == TaskState.PENDING  # scope: listed resident must check out
    assert task_of(listed, "hq-dorm").state == TaskState.NOT_NEEDED
    assert task_of(free, "jy-destination").state == TaskState.PENDING  # whitelist: not yet listed
    assert task_of(free, "wx-account").state == TaskState.PENDING


def test_launch_twice_creates_nothing_and_audits_each_task_once(campaign, make_student, launch):
    s = make_student()
    first = launch(s)
    again = services.launch_campaign(campaign=campaign, actor=None)
    assert first.tasks_created == Task.objects.filter(case__student=s).count() > 0
    assert again.tasks_created == 0
    assert AuditEvent.objects.filter(action="create").count() == first.tasks_created


def test_clear_is_idempotent_and_audited_once(campaign, make_student, launch, make_user):
    s = make_student()
    launch(s)
    clerk = make_user("c", department="m-wxzx")
    task = task_of(s, "wx-account")
    first = services.task_clear(task=task, actor=clerk, channel=Channel.COUNTER)
    second = services.task_clear(task=task, actor=clerk, channel=Channel.COUNTER)
    assert first.changed and not second.changed
    events = AuditEvent.objects.filter(task=task, action="clear")
    assert events.count() == 1
    e = events.get()
    assert (e.state_before, e.state_after, e.actor, e.channel) == ("pending", "done", clerk, "counter")


def test_prerequisite_must_be_done_first(campaign, make_student, launch):
    s = make_student()
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="欠款", amount=Decimal(5))],
    )
    launch(s)
    with pytest.raises(ClearanceError) as exc:
        services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)
    assert exc.value.code == "prerequisite_open"
    assert "图书" in exc.value.message
    services.task_clear(task=task_of(s, "tsg-books"), actor=None, channel=Channel.COUNTER)
    assert services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER).changed


def test_certificate_refused_while_a_must_do_item_is_open(campaign, make_student, launch):
    s = make_student(category="MS")  # 单证硕士: only the degree certificate
    launch(s)
    final = task_of(s, "yjs-cert-degree")
    with pytest.raises(ClearanceError) as exc:
        services.task_clear(task=final, actor=None, channel=Channel.COUNTER)
    assert exc.value.code == "must_do_open"
    for task in Task.objects.filter(case__student=s, required=True, item__final=False).exclude(
        state__in=["done", "not_needed"]
    ):
        services.task_clear(task=task, actor=None, channel=Channel.COUNTER)
    assert services.task_clear(task=final, actor=None, channel=Channel.COUNTER).changed
    assert not Task.objects.filter(case__student=s, item__code="yjs-cert").exists()


def test_optional_items_do_not_hold_the_certificate(campaign, make_student, launch):
    s = make_student(category="UG")
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tw-league"),
        actor=None,
        rows=[ListRow(student_no=s.student_no)],
    )
    launch(s)
    league = task_of(s, "tw-league")
    assert (league.state, league.required) == (TaskState.PENDING, False)
    for task in Task.objects.filter(case__student=s, required=True, item__final=False, state="pending"):
        services.task_clear(task=task, actor=None, channel=Channel.COUNTER)
    assert services.task_clear(task=task_of(s, "jwc-cert"), actor=None, channel=Channel.COUNTER).changed


def test_block_needs_a_reason_and_waive_keeps_it(campaign, make_student, launch):
    s = make_student()
    launch(s)
    t = task_of(s, "wx-account")
    with pytest.raises(ClearanceError) as exc:
        services.task_block(task=t, actor=None, channel=Channel.COUNTER, reason="  ")
    assert exc.value.code == "reason_required"
    services.task_block(task=t, actor=None, channel=Channel.COUNTER, reason="校园卡余额未结", amount="3.5")
    t.refresh_from_db()
    assert (t.state, t.amount) == ("blocked", Decimal("3.50"))
    services.task_waive(task=t, actor=None, channel=Channel.ADMIN, reason="已离校，特批")
    t.refresh_from_db()
    assert (t.state, t.reason) == ("waived", "已离校，特批")
    assert list(AuditEvent.objects.filter(task=t).order_by("id").values_list("action", flat=True)) == [
        "create",
        "block",
        "waive",
    ]


def test_list_replace_releases_and_keeps_history(campaign, make_student, launch):
    a, b = make_student(), make_student()
    item = Item.objects.get(code="tsg-books")
    launch(a, b)
    r1 = services.apply_list(
        campaign=campaign,
        item=item,
        actor=None,
        rows=[ListRow(student_no=a.student_no, reason="x"), ListRow(student_no=b.student_no, reason="y")],
    )
    assert r1.tasks_changed == {"done->blocked": 2}
    r2 = services.apply_list(
        campaign=campaign, item=item, actor=None, rows=[ListRow(student_no=b.student_no, reason="y")]
    )
    assert r2.entries_released == 1 and r2.tasks_changed == {"blocked->done": 1}
    assert task_of(a, "tsg-books").state == "done"
    released = ListEntry.objects.get(student_no=a.student_no, active=False)
    assert released.released_at is not None and released.release_reason
    r3 = services.apply_list(
        campaign=campaign, item=item, actor=None, rows=[ListRow(student_no=b.student_no, reason="y")]
    )
    assert (r3.entries_added, r3.entries_released, r3.tasks_changed) == (0, 0, {})


def test_list_leaves_a_clerks_decision_alone(campaign, make_student, launch):
    s = make_student()
    item = Item.objects.get(code="tsg-books")
    services.apply_list(
        campaign=campaign, item=item, actor=None, rows=[ListRow(student_no=s.student_no, reason="欠款")]
    )
    launch(s)
    services.task_clear(task=task_of(s, "tsg-books"), actor=None, channel=Channel.COUNTER)  # paid at the desk
    r = services.apply_list(
        campaign=campaign, item=item, actor=None, rows=[ListRow(student_no=s.student_no, reason="欠款")]
    )
    assert r.kept_manual == 1 and task_of(s, "tsg-books").state == "done"
    r = services.apply_list(
        campaign=campaign, item=item, actor=None, rows=[ListRow(student_no=s.student_no, reason="欠款 2")]
    )
    assert r.kept_manual == 1 and task_of(s, "tsg-books").state == "done"


def test_list_numbers_not_on_roster_are_reported(campaign, make_student, launch):
    s = make_student()
    launch(s)
    r = services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="cw-fees"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="学费"), ListRow(student_no="X999", reason="学费")],
    )
    assert r.not_on_roster == ["X999"]
    assert ListEntry.objects.filter(student_no="X999", student__isnull=True, active=True).exists()


def test_a_list_imported_before_the_roster_counts(campaign, make_student):
    """Departments prepare lists before the registrar's roster arrives: the entry must still block at launch."""
    item = Item.objects.get(code="tsg-books")
    services.apply_list(
        campaign=campaign, item=item, actor=None, rows=[ListRow(student_no="2026999999", reason="未还图书 1 册")]
    )
    s = make_student(student_no="2026999999")
    services.enroll_students(campaign=campaign, students=[s], actor=None)
    assert ListEntry.objects.get(student_no="2026999999").student == s
    services.launch_campaign(campaign=campaign, actor=None)
    assert task_of(s, "tsg-books").state == TaskState.BLOCKED


def test_a_student_added_after_launch_gets_tasks_at_once(campaign, make_student, launch):
    launch(make_student())
    late = make_student()
    r = services.enroll_students(campaign=campaign, students=[late], actor=None)
    assert r.tasks_created == Task.objects.filter(case__student=late).count() > 0


@pytest.mark.parametrize("typed", ["1e20", "NaN", "Infinity", "-50", "abc", "1e9999"])
def test_block_refuses_what_is_not_an_amount(campaign, make_student, launch, typed):
    s = make_student()
    launch(s)
    with pytest.raises(ClearanceError) as exc:
        services.task_block(
            task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER, reason="欠", amount=typed
        )
    assert exc.value.code == "bad_amount"
    assert task_of(s, "wx-account").state == "pending"
    assert not AuditEvent.objects.filter(action="block").exists()


@pytest.mark.parametrize(
    ("typed", "stored"), [("12.345", "12.35"), ("¥50", "50.00"), ("1,000", "1000.00"), ("0", "0.00")]
)
def test_block_amounts_are_rounded_to_cents_like_list_imports(campaign, make_student, launch, typed, stored):
    s = make_student()
    launch(s)
    services.task_block(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER, reason="欠", amount=typed)
    assert task_of(s, "wx-account").amount == Decimal(stored)


def test_block_refuses_an_overlong_reason(campaign, make_student, launch):
    s = make_student()
    launch(s)
    with pytest.raises(ClearanceError) as exc:
        services.task_block(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER, reason="欠" * 300)
    assert exc.value.code == "reason_too_long"


def test_a_campus_change_after_launch_rebuilds_tasks_and_keeps_done_work(campaign, make_student, launch):
    from lixiao.directory.models import Campus

    s = make_student(category="UG", campus="M")
    launch(s)
    services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)  # applies on both campuses
    textbook = task_of(s, "jc-fees")  # main-campus textbook centre: only main-campus undergraduates
    s.campus = Campus.objects.get(code="D")
    s.save(update_fields=["campus"])
    r = services.enroll_students(campaign=campaign, students=[s], actor=None)
    assert r.updated == 1 and r.tasks_closed > 0 and r.tasks_created > 0
    assert task_of(s, "wx-account").state == "done"  # work done stays done
    textbook.refresh_from_db()
    assert textbook.state == "not_needed" and textbook.channel == "roster"
    assert AuditEvent.objects.filter(task=textbook, action="rebuild", state_after="not_needed").count() == 1
    assert task_of(s, "djc-fees").state == "done"  # the development-zone textbook centre's blacklist: not listed
    assert task_of(s, "dwx-account").state == "pending"
    # and back again: the closed task reopens with the state a launch gives it
    s.campus = Campus.objects.get(code="M")
    s.save(update_fields=["campus"])
    r = services.enroll_students(campaign=campaign, students=[s], actor=None)
    assert r.tasks_reopened > 0
    assert task_of(s, "jc-fees").state == "done" and task_of(s, "dwx-account").state == "not_needed"


def test_a_category_change_sets_must_do_from_the_new_scope(campaign, make_student, launch):
    from lixiao.directory.models import Category

    s = make_student(category="MD")
    launch(s)
    s.category = Category.objects.get(code="MS")  # 单证硕士: no dorm, career or advisor items; the degree certificate
    s.save(update_fields=["category"])
    services.enroll_students(campaign=campaign, students=[s], actor=None)
    assert task_of(s, "ds-signoff").state == "not_needed"
    assert task_of(s, "yjs-cert").state == "not_needed"
    assert task_of(s, "yjs-cert-degree").state == "pending"


def test_an_applied_list_can_be_undone_as_a_whole(campaign, make_student, launch):
    a, b, c = make_student(), make_student(), make_student()
    launch(a, b, c)
    item = Item.objects.get(code="tsg-books")
    services.apply_list(
        campaign=campaign,
        item=item,
        actor=None,
        ref="import:1",
        rows=[ListRow(student_no=a.student_no, reason="1 册"), ListRow(student_no=b.student_no, reason="2 册")],
    )
    # a wrong second upload: releases a and b, blocks c
    services.apply_list(
        campaign=campaign, item=item, actor=None, ref="import:2", rows=[ListRow(student_no=c.student_no, reason="3 册")]
    )
    assert [task_of(s, "tsg-books").state for s in (a, b, c)] == ["done", "done", "blocked"]
    with pytest.raises(ClearanceError):
        services.undo_list_apply(campaign=campaign, item=item, ref="import:2", actor=None, reason="")
    r = services.undo_list_apply(campaign=campaign, item=item, ref="import:2", actor=None, reason="传错文件")
    assert (r.entries_released, r.entries_added) == (1, 2)
    assert [task_of(s, "tsg-books").state for s in (a, b, c)] == ["blocked", "blocked", "done"]
    assert task_of(b, "tsg-books").reason == "2 册"
    # history is kept: nothing deleted, the undone entry says why
    assert ListEntry.objects.count() == 5
    assert "传错文件" in ListEntry.objects.get(student_no=c.student_no).release_reason
    with pytest.raises(ClearanceError) as exc:
        services.undo_list_apply(campaign=campaign, item=item, ref="import:2", actor=None, reason="again")
    assert exc.value.code == "already_undone"


def test_undo_a_recent_clear_with_a_reason(campaign, make_student, launch):
    s = make_student()
    services.apply_list(
        campaign=campaign,
        item=Item.objects.get(code="tsg-books"),
        actor=None,
        rows=[ListRow(student_no=s.student_no, reason="未还 1 册", amount=Decimal("3.00"))],
    )
    launch(s)
    services.task_clear(task=task_of(s, "tsg-books"), actor=None, channel=Channel.COUNTER)
    event = AuditEvent.objects.get(task__item__code="tsg-books", action="clear")
    with pytest.raises(ClearanceError):
        services.task_undo(event=event, actor=None, channel=Channel.COUNTER, reason=" ")
    services.task_undo(event=event, actor=None, channel=Channel.COUNTER, reason="刷错了人")
    t = task_of(s, "tsg-books")
    assert (t.state, t.reason, t.amount) == ("blocked", "未还 1 册", Decimal("3.00"))
    undo = AuditEvent.objects.get(task=t, action="undo")
    assert (undo.state_before, undo.state_after, undo.reason, undo.detail) == (
        "done",
        "blocked",
        "刷错了人",
        {"undoes": event.pk},
    )
    assert AuditEvent.objects.filter(task=t).count() == 3  # nothing deleted
    with pytest.raises(ClearanceError) as exc:
        services.task_undo(event=event, actor=None, channel=Channel.COUNTER, reason="again")
    assert exc.value.code == "changed_since"


def test_undo_refused_when_later_work_depends_on_it(campaign, make_student, launch):
    s = make_student()
    launch(s)
    services.task_block(task=task_of(s, "tsg-books"), actor=None, channel=Channel.COUNTER, reason="欠")
    services.task_clear(task=task_of(s, "tsg-books"), actor=None, channel=Channel.COUNTER)
    services.task_clear(task=task_of(s, "wx-account"), actor=None, channel=Channel.COUNTER)  # needs the library first
    event = AuditEvent.objects.get(task__item__code="tsg-books", action="clear")
    with pytest.raises(ClearanceError) as exc:
        services.task_undo(event=event, actor=None, channel=Channel.COUNTER, reason="错了")
    assert exc.value.code == "dependents_done" and "网络账号" in exc.value.message
