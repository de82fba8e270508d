"""Re-importing a corrected roster into a launched campaign, through the pages: the preview shows who is added,
who changes and who of the roster the file leaves out; applying takes those off the roster only when the box is
ticked, and all or nothing."""

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from samplefiles import csv_bytes, upload

from lixiao.clearance import cases as engine_cases
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import AuditEvent, Campaign, Case, CaseStatus, Channel, Task, TaskState
from lixiao.clearance.services import task_clear
from lixiao.directory.models import Category, Student
from lixiao.imports import rosters
from lixiao.imports.models import ImportBatch

pytestmark = pytest.mark.django_db

HEADER = "学号,姓名,类别,校区,学院"


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def upload_roster(client, campaign, name, *rows):
    response = client.post(
        reverse("imports:roster_upload"), {"campaign": campaign.pk, "file": upload(name, csv_bytes(HEADER, *rows))}
    )
    assert response.status_code == 302, response.content.decode()
    batch = ImportBatch.objects.latest("pk")
    return batch, client.get(response["Location"])


def apply(client, batch, data=None):
    return client.post(reverse("imports:apply", kwargs={"pk": batch.pk}), data or {}, follow=True)


def status_of(student):
    return Case.objects.get(student=student).status


def task_states(student):
    return dict(Task.objects.filter(case__student=student).values_list("id", "state"))


@pytest.fixture
def roster(campaign, make_student, launch):
    """A launched campaign: four undergraduates and a master. 甲 has one task done by hand (besides those done at
    the launch), 戊 has their graduation deferred."""
    students = {
        "甲": make_student(student_no="2026200001", name="甲", college="化工学院"),
        "乙": make_student(student_no="2026200002", name="乙", college="化工学院"),
        "丙": make_student(student_no="2026200003", name="丙", college="化工学院"),
        "戊": make_student(student_no="2026200005", name="戊", college="化工学院"),
        "丁": make_student(category="MD", student_no="3126200004", name="丁", college="化工学院"),
    }
    launch(*students.values())
    pending = (
        Task.objects.filter(
            case__student=students["甲"], state=TaskState.PENDING, item__final=False, item__prerequisites__isnull=True
        )
        .order_by("id")
        .first()
    )
    task_clear(task=pending, actor=None, channel=Channel.ADMIN)
    engine_cases.case_set_status(
        case=Case.objects.get(student=students["戊"]),
        status=CaseStatus.DEFERRED,
        actor=None,
        channel=Channel.ADMIN,
        reason="延期毕业",
    )
    return students


# The corrected undergraduate file: 甲 is dropped, 乙 is now a 单证硕士, 丙 is as before, 庚 is new. 戊 (deferred)
# is not in it either, and 丁 (a master) has nothing to do with it.
CORRECTED = (
    "2026200002,乙,单证硕士,主校区,化工学院",
    "2026200003,丙,本科,主校区,化工学院",
    "2026200006,庚,本科,主校区,化工学院",
)


def test_the_preview_shows_added_changed_and_not_in_file_separately(campaign, users, client, roster):
    english(client, users["admin"])
    done = Task.objects.filter(case__student=roster["甲"], state=TaskState.DONE).count()
    total = Task.objects.filter(case__student=roster["甲"]).count()
    assert 0 < done < total

    batch, page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)
    summary = page.context["summary"]
    assert (summary["counts"]["new_students"], summary["counts"]["changed_students"]) == (1, 1)
    assert summary["counts"]["not_in_file"] == 1
    assert [row[1] for row in summary["new_students"]] == ["2026200006"]
    assert [(c["student_no"], c["fields"]) for c in page.context["changes"]] == [
        ("2026200002", [("category", "本科", "单证硕士")])
    ]
    assert summary["not_in_file"] == [["2026200001", "甲", "本科", "化工学院", done, total]]

    html = page.content.decode()
    assert "<td>category</td><td>本科</td><td>单证硕士</td>" in html  # the change, before → after
    assert "1 student on this campaign's roster is not in this file." in html
    assert "Also take this 1 student off the roster" in html
    assert f'name="confirm_removal" value="{summary["removal_key"]}"' in html
    table = html[html.index('id="not-in-file-students"') :]
    table = table[: table.index("</table>")]
    assert "<td>2026200001</td><td>甲</td><td>本科</td><td>化工学院</td>" in table
    assert f"{done} / {total}" in table
    for other in ("2026200003", "2026200005", "3126200004", "2026200006"):  # in the file, deferred, a master, new
        assert other not in table
    assert ("On the roster but not in the file", 1) in page.context["counts"]
    assert batch.status == ImportBatch.Status.PREVIEW


def test_applying_without_the_box_leaves_them_on_the_roster_and_says_so(campaign, users, client, roster):
    english(client, users["admin"])
    before = task_states(roster["甲"])
    batch, _page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)

    response = apply(client, batch)
    assert messages_of(response) == [
        "Imported corrected.csv.",
        "1 student not in the file is still on the roster: the box to take them off was not ticked. "
        "To take them off, upload the file again and tick it.",
    ]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.summary["applied"]["cases_removed"] == 0 and batch.summary["applied"]["not_in_file_kept"] == 1
    assert status_of(roster["甲"]) == CaseStatus.ACTIVE and task_states(roster["甲"]) == before
    assert not AuditEvent.objects.filter(action="remove").exists()
    # the rest is applied: the new student is on the roster, the changed one has moved
    assert status_of(Student.objects.get(student_no="2026200006")) == CaseStatus.ACTIVE
    assert Case.objects.get(student=roster["乙"]).category.code == "MS"
    html = response.content.decode()
    assert "They were left on the roster when the file was applied." in html
    assert ("Not in the file, left on the roster", 1) in response.context["applied"]


def test_applying_with_the_box_takes_them_off_the_roster(campaign, users, client, roster):
    english(client, users["admin"])
    dropped = roster["甲"]
    before = task_states(dropped)
    batch, page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)

    response = apply(client, batch, {"confirm_removal": page.context["removal"]["key"]})
    assert messages_of(response) == ["Imported corrected.csv.", "1 student not in the file was taken off the roster."]
    case = Case.objects.get(student=dropped)
    assert case.status == CaseStatus.REMOVED and "corrected.csv" in case.status_reason
    after = task_states(dropped)
    assert after.keys() == before.keys()
    for task_id, state in before.items():
        if state in (TaskState.PENDING, TaskState.BLOCKED):
            assert after[task_id] == TaskState.NOT_NEEDED
        else:
            assert after[task_id] == state  # the work done stays done
    assert TaskState.DONE in before.values() and TaskState.PENDING in before.values()

    (event,) = AuditEvent.objects.filter(case=case, action="remove")
    assert (event.state_before, event.state_after, event.channel) == ("active", "removed", Channel.ROSTER)
    assert event.actor == users["admin"] and "corrected.csv" in event.reason
    closed = AuditEvent.objects.filter(case=case, action="rebuild", state_after=TaskState.NOT_NEEDED)
    assert closed.count() == sum(state in (TaskState.PENDING, TaskState.BLOCKED) for state in before.values())
    # the others: the new one added, the changed one moved, the deferred one and the master untouched
    assert status_of(Student.objects.get(student_no="2026200006")) == CaseStatus.ACTIVE
    assert Case.objects.get(student=roster["乙"]).category.code == "MS"
    assert [status_of(roster[name]) for name in ("戊", "丁", "丙")] == ["deferred", "active", "active"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and batch.summary["applied"]["cases_removed"] == 1
    assert "They were taken off the roster when the file was applied." in response.content.decode()

    # Uploaded again, the file leaves nobody out: 甲 is removed already and not listed again.
    _batch, page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)
    assert page.context["removal"] is None and page.context["summary"]["counts"]["not_in_file"] == 0
    assert "confirm_removal" not in page.content.decode()


def test_a_file_lists_as_not_in_it_only_students_of_its_own_categories(campaign, users, client, roster):
    """The registrar's file of undergraduates says nothing about the masters (nor about the deferred)."""
    english(client, users["registrar"])
    _batch, page = upload_roster(
        client, campaign, "ug.csv", "2026200002,乙,本科,主校区,化工学院", "2026200003,丙,本科,主校区,化工学院"
    )
    assert [row[0] for row in page.context["summary"]["not_in_file"]] == ["2026200001"]
    assert page.context["summary"]["covered_categories"] == ["本科"]
    assert "3126200004" not in page.content.decode()

    # and the master's office file, for its part, does not list the undergraduates
    english(client, users["gradschool"])
    _batch, page = upload_roster(client, campaign, "md.csv", "3126200009,己,双证硕士,主校区,化工学院")
    assert [row[0] for row in page.context["summary"]["not_in_file"]] == ["3126200004"]


def test_a_student_of_the_file_taken_off_the_roster_is_not_put_back_and_the_preview_says_so(
    campaign, users, client, roster
):
    english(client, users["admin"])
    rows = (*CORRECTED, "2026200001,甲,本科,主校区,化工学院", "2026200005,戊,本科,主校区,化工学院")
    _batch, page = upload_roster(client, campaign, "all.csv", *rows)
    assert page.context["removal"] is None
    warnings = [w["message"] for w in page.context["summary"]["warnings"]]
    assert (
        "1 student in the file was taken off this campaign's roster or deferred; importing the file does not put "
        "them back (restore them on their case): 2026200005." in warnings
    )


def test_a_confirmation_for_other_students_refuses_the_whole_apply(campaign, users, client, roster, make_student):
    """Between the preview and the apply, another undergraduate joins the roster: the box ticked for 1 student
    does not take 2 off. Nothing is applied; the preview is brought up to date."""
    english(client, users["admin"])
    batch, page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)
    key = page.context["removal"]["key"]
    late = make_student(student_no="2026200007", name="辛")
    rosters.enroll_students(campaign=campaign, students=[late], actor=None)

    response = apply(client, batch, {"confirm_removal": key})
    assert messages_of(response) == ["Applying this file now takes 2 students off the roster; check the preview again."]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert not Student.objects.filter(student_no="2026200006").exists()  # nothing applied
    assert (status_of(roster["甲"]), status_of(late)) == ("active", "active")
    assert Case.objects.get(student=roster["乙"]).category.code == "UG"

    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk}))
    assert [row[0] for row in page.context["summary"]["not_in_file"]] == ["2026200001", "2026200007"]
    assert "Also take these 2 students off the roster" in page.content.decode()
    response = apply(client, batch, {"confirm_removal": page.context["removal"]["key"]})
    assert messages_of(response)[1] == "2 students not in the file were taken off the roster."
    assert (status_of(roster["甲"]), status_of(late)) == ("removed", "removed")


@pytest.mark.parametrize("failure", [ClearanceError(code="boom", message="The engine refused."), RuntimeError("x")])
def test_a_failure_later_in_the_apply_leaves_nothing_removed(campaign, users, client, roster, monkeypatch, failure):
    """Two students are left out; the engine fails on the second: the first is not removed, nothing is applied."""
    english(client, users["admin"])
    rows = CORRECTED[1:]  # 乙 left out too
    batch, page = upload_roster(client, campaign, "corrected.csv", *rows)
    assert page.context["removal"]["count"] == 2
    before = {name: task_states(student) for name, student in roster.items()}
    events = AuditEvent.objects.count()
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["case"])
        if len(calls) == 2:
            raise failure
        return engine_cases.case_set_status(**kwargs)

    monkeypatch.setattr(rosters, "case_set_status", failing)
    if isinstance(failure, ClearanceError):
        response = apply(client, batch, {"confirm_removal": page.context["removal"]["key"]})
        assert messages_of(response) == ["The engine refused."]
    else:
        with pytest.raises(RuntimeError):
            apply(client, batch, {"confirm_removal": page.context["removal"]["key"]})
    assert len(calls) == 2  # the first removal was made, then undone with everything else
    assert (status_of(roster["甲"]), status_of(roster["乙"])) == ("active", "active")
    assert {name: task_states(student) for name, student in roster.items()} == before
    assert AuditEvent.objects.count() == events
    assert not Student.objects.filter(student_no="2026200006").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_a_case_whose_category_differs_from_the_student_record_shows_the_move(campaign, users, client, roster):
    """乙's record already says 单证硕士 (changed elsewhere), but this campaign's roster still has them as 本科:
    the file moves them, and the preview says so."""
    Student.objects.filter(pk=roster["乙"].pk).update(category=Category.objects.get(code="MS"))
    english(client, users["admin"])
    _batch, page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)
    assert [(c["student_no"], c["fields"]) for c in page.context["changes"]] == [
        ("2026200002", [("category", "本科", "单证硕士")])
    ]


def test_the_command_line_lists_them_and_removes_nobody(campaign, roster, tmp_path):
    path = tmp_path / "corrected.csv"
    path.write_bytes(csv_bytes(HEADER, *CORRECTED))
    out = StringIO()
    call_command("import_roster", "--campaign", campaign.code, str(path), stdout=out)
    assert "not_in_file: 1" in out.getvalue() and "not_in_file_kept 1" in out.getvalue()
    assert status_of(roster["甲"]) == CaseStatus.ACTIVE


def test_a_closed_campaign_refuses_the_apply_with_the_engines_reason(campaign, users, client, roster):
    """The engine refuses to change the roster of a closed campaign: the page says why, nothing is applied."""
    Campaign.objects.filter(pk=campaign.pk).update(roster_from=date(2020, 1, 1), closes_on=date(2020, 6, 30))
    english(client, users["admin"])
    batch, page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)
    response = apply(client, batch, {"confirm_removal": page.context["removal"]["key"]})
    (message,) = messages_of(response)
    assert "closed" in message and "Changing the roster" in message
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert status_of(roster["甲"]) == CaseStatus.ACTIVE
    assert not Student.objects.filter(student_no="2026200006").exists()


def test_a_preview_made_before_another_import_is_refused_not_applied_blind(campaign, users, client, roster):
    """Two previews of different files: once one is applied, the other no longer shows what it would change."""
    english(client, users["admin"])
    corrected, _page = upload_roster(client, campaign, "corrected.csv", *CORRECTED)
    other, _page = upload_roster(client, campaign, "other.csv", "2026200002,乙,博士,主校区,化工学院")
    apply(client, other)
    assert Case.objects.get(student=roster["乙"]).category.code == "PHD"
    response = apply(client, corrected)
    assert any("check the preview again" in m for m in messages_of(response))
    corrected.refresh_from_db()
    assert corrected.status == ImportBatch.Status.PREVIEW
    assert Case.objects.get(student=roster["乙"]).category.code == "PHD"  # nothing applied blind
    response = apply(client, corrected)  # the preview, brought up to date, is what applies now
    assert Case.objects.get(student=roster["乙"]).category.code == "MS"
