"""A department's whole day: upload a list, re-upload a corrected one and see the diff, clear at the counter,
undo one, clear a pasted list, export what it did."""

import io

import openpyxl
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance.models import AuditEvent, ListEntry
from lixiao.directory.models import Department
from lixiao.imports.models import ImportBatch
from tests.conftest import task_of


def _csv(*rows):
    return io.BytesIO(("\n".join(["学号,姓名,欠款(元),未还册数", *rows]) + "\n").encode("utf-8"))


def test_a_library_day(client, settings, campaign, make_student, launch, make_user):
    settings.LIXIAO_SWIPE_DEBOUNCE_MS = 0
    a, b, c, d = (make_student(card=f"10000{i}") for i in range(4))
    launch(a, b, c, d)
    client.force_login(make_user("lib", department="m-tsg"))
    desk = DeskScope("department", Department.objects.get(code="m-tsg").pk, "").key

    def upload(rows, name):
        f = _csv(*rows)
        f.name = name
        r = client.post(
            reverse("imports:list_upload"),
            {"campaign": campaign.pk, "item": task_of(a, "tsg-books").item_id, "mode": "replace", "file": f},
        )
        assert r.status_code == 302, r.content[:500]
        return ImportBatch.objects.latest("pk")

    # morning: the overdue list
    batch = upload([f"{a.student_no},,12.5,1", f"{b.student_no},,0,2"], "overdue.csv")
    client.post(reverse("imports:apply", kwargs={"pk": batch.pk}))
    assert [task_of(s, "tsg-books").state for s in (a, b, c)] == ["blocked", "blocked", "done"]
    # a corrected list: b returned the books, c is added; the preview shows the difference before applying
    batch = upload([f"{a.student_no},,12.5,1", f"{c.student_no},,3,1"], "overdue-corrected.csv")
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).text
    assert b.student_no in page and c.student_no in page  # who is released, who becomes blocked
    client.post(
        reverse("imports:apply", kwargs={"pk": batch.pk}), {"confirm_release": "1"}
    )  # it releases 1 of 2: confirmed
    assert [task_of(s, "tsg-books").state for s in (a, b, c)] == ["blocked", "done", "blocked"]
    assert ListEntry.objects.filter(student_no=b.student_no, active=False).exists()  # history kept

    # at the counter: a pays and is cleared with one key
    t = task_of(a, "tsg-books")
    client.post(reverse("desk:task_action", kwargs={"scope": desk, "task_id": t.pk, "action": "clear"}))
    assert task_of(a, "tsg-books").state == "done"
    # ...that was the wrong student: undo it with a reason
    event = AuditEvent.objects.get(task=t, action="clear")
    page = client.get(reverse("desk:journal", kwargs={"scope": desk})).text
    assert f'data-event="{event.pk}"' in page
    client.post(reverse("desk:undo", kwargs={"scope": desk, "event_id": event.pk}), {"reason": "点错了学生"})
    assert task_of(a, "tsg-books").state == "blocked"
    page = client.get(reverse("desk:journal", kwargs={"scope": desk})).text
    row = page[page.index(f'data-event="{event.pk}"') :]
    assert "desk:undo" not in row[: row.index("</tr>")] and "/undo/" not in row[: row.index("</tr>")]  # undone once

    # a pasted list: students still owing are reported, not cleared (the clerk checks the reason at the counter)
    r = client.post(
        reverse("desk:bulk", kwargs={"scope": desk}), {"numbers": f"{c.student_no}\n{d.student_no}\nXYZ1\n#12"}
    )
    outcomes = [line.split('data-outcome="')[1].split('"')[0] for line in r.text.splitlines() if "data-outcome" in line]
    assert outcomes == ["blocked", "already", "unknown", "invalid"]
    assert task_of(c, "tsg-books").state == "blocked"

    # what the desk did, exported
    r = client.get(reverse("desk:export", kwargs={"scope": desk}))
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    actions = [row[4] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert actions == ["clear", "undo"]


def test_another_desk_cannot_see_or_undo(client, campaign, make_student, launch, make_user):
    s = make_student()
    launch(s)
    lib = DeskScope("department", Department.objects.get(code="m-tsg").pk, "").key
    client.force_login(make_user("fin", department="m-cwc"))
    assert client.get(reverse("desk:journal", kwargs={"scope": lib})).status_code == 404
    assert client.get(reverse("desk:export", kwargs={"scope": lib})).status_code == 404
    assert client.post(reverse("desk:bulk", kwargs={"scope": lib}), {"numbers": s.student_no}).status_code == 404


def test_a_wrong_list_is_undone_as_a_whole(client, campaign, make_student, launch, make_user):
    a, b = make_student(), make_student()
    launch(a, b)
    client.force_login(make_user("lib", department="m-tsg"))
    item_id = task_of(a, "tsg-books").item_id

    def upload_and_apply(rows, name, confirm=None):
        f = _csv(*rows)
        f.name = name
        client.post(
            reverse("imports:list_upload"), {"campaign": campaign.pk, "item": item_id, "mode": "replace", "file": f}
        )
        batch = ImportBatch.objects.latest("pk")
        client.post(reverse("imports:apply", kwargs={"pk": batch.pk}), {"confirm_release": confirm} if confirm else {})
        return batch

    upload_and_apply([f"{a.student_no},,5,1"], "good.csv")
    wrong = upload_and_apply([f"{b.student_no},,9,1"], "wrong.csv", confirm="1")
    assert [task_of(s, "tsg-books").state for s in (a, b)] == ["done", "blocked"]
    page = client.get(reverse("imports:preview", kwargs={"pk": wrong.pk})).text
    assert "data-undo" in page
    client.post(reverse("imports:undo", kwargs={"pk": wrong.pk}), {"reason": ""})
    assert task_of(b, "tsg-books").state == "blocked"  # a reason is required
    client.post(reverse("imports:undo", kwargs={"pk": wrong.pk}), {"reason": "传错了文件"})
    assert [task_of(s, "tsg-books").state for s in (a, b)] == ["blocked", "done"]
    wrong.refresh_from_db()
    assert wrong.status == "undone"
    assert "data-undone" in client.get(reverse("imports:preview", kwargs={"pk": wrong.pk})).text
    # another department cannot undo the library's import
    client.force_login(make_user("fin", department="m-cwc"))
    assert client.post(reverse("imports:undo", kwargs={"pk": wrong.pk}), {"reason": "x"}).status_code == 404


def test_a_pasted_list_clears_pending_items_with_a_report(client, campaign, make_student, launch, make_user):
    students = [make_student() for _ in range(3)]
    launch(*students)
    client.force_login(make_user("it", department="m-wxzx"))
    desk = DeskScope("department", Department.objects.get(code="m-wxzx").pk, "").key
    text = "\n".join([students[0].student_no, students[1].student_no + ",张三", students[0].student_no])
    r = client.post(reverse("desk:bulk", kwargs={"scope": desk}), {"numbers": text})
    outcomes = [line.split('data-outcome="')[1].split('"')[0] for line in r.text.splitlines() if "data-outcome" in line]
    assert outcomes == ["cleared", "cleared", "already"]
    assert [task_of(s, "wx-account").state for s in students] == ["done", "done", "pending"]
    many = "\n".join(["X1"] * 2001 + [students[2].student_no])
    r = client.post(reverse("desk:bulk", kwargs={"scope": desk}), {"numbers": many})
    assert 'data-outcome="skipped"' in r.text and task_of(students[2], "wx-account").state == "pending"
