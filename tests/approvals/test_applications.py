"""Applications to rolling campaigns at the college's approvals page: a college sees and decides only its own
students' applications (approve, or return with a reason), and applies on behalf of its own students only.
Advisors and departments have no applications. Every decision goes through the engine and is audited."""

import pytest
from django.test import Client
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.clearance import cases as case_engine
from lixiao.clearance.models import AuditEvent, Campaign, Case, Channel, WindowRule
from lixiao.directory.models import Category, College, Department, Staff


@pytest.fixture
def rolling(reference):
    c = Campaign.objects.create(
        code="phd-rolling", name="PhD rolling 2026", kind=Campaign.Kind.ROLLING, window_rule=WindowRule.WORKDAYS
    )
    c.categories.set(Category.objects.filter(code="PHD"))
    return c


def desk_of(college):
    return DeskScope("college", College.objects.get(code=college).pk, "").key


def index(desk):
    return reverse("approvals:index", kwargs={"scope": desk})


def decide(desk, case, decision):
    return reverse("approvals:application", kwargs={"scope": desk, "case_id": case.pk, "decision": decision})


def apply_for(desk):
    return reverse("approvals:apply_for", kwargs={"scope": desk})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def world(rolling, make_student, make_user):
    mine = make_student(category="PHD", college="化工学院")
    other = make_student(category="PHD", college="物理学院")
    for s in (mine, other):
        case_engine.case_apply(campaign=rolling, student=s, actor=None, channel=Channel.PORTAL, note="请审核")
    return {
        "mine": Case.objects.get(student=mine),
        "other": Case.objects.get(student=other),
        "user": make_user("col", college="化工学院"),
        "desk": desk_of("化工学院"),
    }


def test_college_sees_its_students_application_and_approves_it(client, world):
    mine, other, desk = world["mine"], world["other"], world["desk"]
    client.force_login(world["user"])
    page = client.get(index(desk)).text
    assert f'data-application="{mine.pk}"' in page and "请审核" in page
    assert f'data-application="{other.pk}"' not in page and other.student.student_no not in page
    r = client.post(decide(desk, mine, "approve"), follow=True)
    mine.refresh_from_db()
    assert mine.status == "college_ok"
    event = AuditEvent.objects.get(case=mine, action="college_ok")
    assert (event.channel, event.actor) == (Channel.APPROVAL, world["user"])
    assert f'data-application="{mine.pk}"' not in r.text  # decided: no longer waiting
    client.post(decide(desk, mine, "approve"))  # a double submit changes nothing
    assert AuditEvent.objects.filter(case=mine, action="college_ok").count() == 1


def test_another_college_neither_sees_nor_decides(client, world, make_user):
    mine, other = world["mine"], world["other"]
    client.force_login(make_user("col2", college="物理学院"))
    theirs = desk_of("物理学院")
    page = client.get(index(theirs)).text
    assert f'data-application="{other.pk}"' in page and f'data-application="{mine.pk}"' not in page
    assert mine.student.student_no not in page
    for decision in ("approve", "return"):
        assert client.post(decide(theirs, mine, decision), {"reason": "不是本院"}).status_code == 404
        assert client.post(decide(world["desk"], mine, decision), {"reason": "不是本院"}).status_code == 404
    mine.refresh_from_db()
    assert mine.status == "applied" and not AuditEvent.objects.filter(case=mine).exclude(action="apply").exists()


def test_return_needs_a_reason_then_the_student_sees_it_and_applies_again(client, world, make_user):
    mine, desk = world["mine"], world["desk"]
    client.force_login(world["user"])
    r = client.post(decide(desk, mine, "return"), {"reason": "  "}, follow=True)
    mine.refresh_from_db()
    assert mine.status == "applied" and messages_of(r)  # refused: a reason is required
    client.post(decide(desk, mine, "return"), {"reason": "缺少答辩决议书"})
    mine.refresh_from_db()
    assert (mine.status, mine.status_reason) == ("returned", "缺少答辩决议书")
    assert AuditEvent.objects.get(case=mine, action="return").channel == Channel.APPROVAL
    student = Client()
    mine.student.user = make_user(mine.student.student_no)
    mine.student.save(update_fields=["user"])
    student.force_login(mine.student.user)
    page = student.get(reverse("portal:home")).text
    assert 'data-case-status="returned"' in page and "缺少答辩决议书" in page and "data-apply-form" in page
    student.post(reverse("portal:apply", kwargs={"campaign_id": mine.campaign_id}), {"note": "已补交"})
    mine.refresh_from_db()
    assert (mine.status, mine.status_reason) == ("applied", "已补交")
    assert f'data-application="{mine.pk}"' in client.get(index(desk)).text  # back with the college


def test_college_applies_on_behalf_of_its_own_students_only(client, rolling, world, make_student):
    client.force_login(world["user"])
    desk = world["desk"]
    new = make_student(category="PHD", college="化工学院")
    r = client.post(apply_for(desk), {"student_no": f" {new.student_no} ", "note": "学生在外地"}, follow=True)
    case = Case.objects.get(student=new)
    # The college applying is its approval too: the application goes straight to the graduate school.
    assert (case.campaign, case.status) == (rolling, "college_ok")
    event = AuditEvent.objects.get(case=case, action="apply")
    assert (event.channel, event.actor, event.reason) == (Channel.APPROVAL, world["user"], "学生在外地")
    assert AuditEvent.objects.get(case=case, action="college_ok").actor == world["user"]
    assert f'data-application="{case.pk}"' not in r.text  # nothing left for the college to decide
    client.post(apply_for(desk), {"student_no": new.student_no})  # again: harmless
    assert AuditEvent.objects.filter(case=case, action="apply").count() == 1

    stranger = make_student(category="PHD", college="物理学院")
    r = client.post(apply_for(desk), {"student_no": stranger.student_no}, follow=True)
    assert any(stranger.student_no in m and "化工学院" in m for m in messages_of(r))
    assert not Case.objects.filter(student=stranger).exists()
    r = client.post(apply_for(desk), {"student_no": "no-such-number"}, follow=True)
    assert messages_of(r) and Case.objects.count() == 3
    undergraduate = make_student(category="UG", college="化工学院")
    r = client.post(apply_for(desk), {"student_no": undergraduate.student_no}, follow=True)
    assert messages_of(r) and not Case.objects.filter(student=undergraduate).exists()
    r = client.post(apply_for(desk), {"student_no": undergraduate.student_no, "rolling_campaign": rolling.pk})
    assert not Case.objects.filter(student=undergraduate).exists()  # the engine refuses the wrong category


def test_advisors_and_departments_have_no_applications(client, world, make_user):
    mine = world["mine"]
    adv = Staff.objects.create(staff_no="T8", name="导师乙")
    mine.student.advisor = adv
    mine.student.save(update_fields=["advisor"])
    adv.user = make_user("T8")
    adv.save(update_fields=["user"])
    client.force_login(adv.user)
    advisor_desk = DeskScope("advisor", adv.pk, "").key
    page = client.get(index(advisor_desk)).text
    assert 'id="applications"' not in page and f'data-application="{mine.pk}"' not in page
    assert client.post(decide(advisor_desk, mine, "approve")).status_code == 404
    assert client.post(apply_for(advisor_desk), {"student_no": mine.student.student_no}).status_code == 404
    client.force_login(make_user("lib", department="m-tsg"))
    library = DeskScope("department", Department.objects.get(code="m-tsg").pk, "").key
    assert client.post(decide(library, mine, "approve")).status_code == 404
    mine.refresh_from_db()
    assert mine.status == "applied"


def test_anonymous_and_odd_requests(client, world):
    mine, desk = world["mine"], world["desk"]
    r = client.post(decide(desk, mine, "approve"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    client.force_login(world["user"])
    assert client.post(decide(desk, mine, "maybe")).status_code == 404
    assert client.get(decide(desk, mine, "approve")).status_code == 405
    assert client.post(apply_for(desk), {"student_no": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "applied"
