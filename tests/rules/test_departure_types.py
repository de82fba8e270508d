"""Other departure types by configuration only: withdrawal (退学) set up in the administration as its own rolling
campaign with its own items; its students get those items and nothing of graduation's, and the other way round."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lixiao.clearance import cases
from lixiao.clearance.models import Campaign, Channel, TaskState
from lixiao.clearance.services import launch_campaign, task_clear
from lixiao.directory.models import Campus, Category, Department, Membership
from lixiao.rules.models import DepartureType, Item

pytestmark = pytest.mark.django_db


def admin_post(client, model, data):
    resp = client.post(reverse(f"admin:{model}_add"), data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else resp
    return resp


def inline(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def item(code, name, department, ug_main):
    return {
        "code": code,
        "name": name,
        "department": department.pk,
        "departure_type": DepartureType.objects.get(code="withdrawal").pk,
        "handler": "department",
        "method": "counter",
        "form_fields": "[]",
        "sort": "1",
        **inline("scopes", 1),
        "scopes-0-campus": ug_main[0].pk,
        "scopes-0-category": ug_main[1].pk,
        "scopes-0-required": "on",
    }


def test_withdrawal_configured_in_the_admin(campaign, make_student, launch, make_user, client):
    admin = make_user("root", superuser=True)
    client.force_login(admin)
    ug_main = (Campus.objects.get(code="M"), Category.objects.get(code="UG"))
    admin_post(
        client, "rules_departuretype", {"code": "withdrawal", "name": "退学离校", "name_en": "Withdrawal", "sort": "1"}
    )
    admin_post(client, "rules_item", item("wd-library", "退学图书清还", Department.objects.get(code="m-tsg"), ug_main))
    admin_post(client, "rules_item", item("wd-record", "退学档案转出", Department.objects.get(code="m-jwc"), ug_main))
    admin_post(
        client,
        "clearance_campaign",
        {
            "code": "withdrawal",
            "name": "本科生退学离校",
            "departure_type": DepartureType.objects.get(code="withdrawal").pk,
            "kind": "rolling",
            "categories": [ug_main[1].pk],
            "college_approval": "on",
            "office_review": "",
            "window_rule": "none",
            "window_workdays": "3",
            "window_opens": "08:30",
            "window_closes": "17:00",
            **inline("windows"),
        },
    )
    withdrawal = Campaign.objects.get(code="withdrawal")

    leaving, graduating = make_student(category="UG"), make_student(category="UG")
    launch(graduating)
    college = make_user("col", college="软件学院", role=Membership.Role.CLERK)
    applied = cases.case_apply(campaign=withdrawal, student=leaving, actor=college, channel=Channel.APPROVAL)
    assert applied.case.status == "applied" and not applied.case.tasks.exists()
    decided = cases.case_college_decision(case=applied.case, actor=college, approve=True)
    case = decided.case
    assert case.status == "active"  # no office review configured: admitted on the college's approval
    assert set(case.tasks.values_list("item__code", flat=True)) == {"wd-library", "wd-record"}
    assert set(case.tasks.values_list("state", flat=True)) == {TaskState.PENDING}

    # The graduation campaign does not pick up withdrawal items, even when launched again.
    launch_campaign(campaign=campaign, actor=admin)
    grad_items = set(graduating.cases.get(campaign=campaign).tasks.values_list("item__code", flat=True))
    assert grad_items and not grad_items & {"wd-library", "wd-record"}
    assert Item.objects.filter(departure_type__code="graduation").count() > 20


def test_a_withdrawal_student_page_speaks_of_no_certificates(client, reference, make_student, make_user):
    """A departure type without a certificate item: the page says the clearance is complete, not 'collect'."""
    withdrawal = DepartureType.objects.create(code="withdrawal", name="退学离校")
    ug_main = (Campus.objects.get(code="M"), Category.objects.get(code="UG"))
    only = Item.objects.create(
        code="wd-library",
        name="退学图书清还",
        department=Department.objects.get(code="m-tsg"),
        departure_type=withdrawal,
    )
    only.scopes.create(campus=ug_main[0], category=ug_main[1])
    campaign = Campaign.objects.create(code="wd", name="退学", kind="rolling", departure_type=withdrawal)
    campaign.categories.set([ug_main[1]])
    campaign.college_approval = campaign.office_review = False
    campaign.save()
    s = make_student(category="UG")
    s.user = make_user(s.student_no)
    s.save(update_fields=["user"])
    case = cases.case_apply(campaign=campaign, student=s, actor=None, channel=Channel.PORTAL).case
    client.force_login(s.user)
    page = client.get(reverse("portal:home")).text
    assert "证书" not in page.split('class="summary"')[1].split("</article>")[0]
    task_clear(task=case.tasks.get(), actor=None, channel=Channel.ADMIN)
    assert "data-complete" in client.get(reverse("portal:home")).text
    form = client.get(reverse("certificates:form", kwargs={"case_id": case.pk}))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(form.content)).pages)
    assert "离校单" in text and "证书" not in text and "毕业生" not in text
