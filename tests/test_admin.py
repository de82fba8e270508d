"""Configuration in the admin; clearance state there is read-only (it changes only through the engine)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from lixiao.clearance.models import Task


@pytest.fixture
def admin_client_with_data(client, make_student, launch, make_user):
    launch(make_student(), make_student(category="MD"))
    client.force_login(make_user("root", superuser=True))
    return client


def test_every_admin_list_renders(admin_client_with_data):
    client = admin_client_with_data
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_a_new_item_is_configuration(admin_client_with_data):
    r = admin_client_with_data.get(reverse("admin:rules_item_add"))
    assert r.status_code == 200 and 'name="scopes-TOTAL_FORMS"' in r.text


def test_tasks_cannot_be_edited_in_the_admin(admin_client_with_data):
    task = Task.objects.filter(state="pending").first()
    client = admin_client_with_data
    r = client.post(reverse("admin:clearance_task_change", args=[task.pk]), {"state": "done"})
    assert r.status_code == 403
    task.refresh_from_db()
    assert task.state == "pending"
    assert client.get(reverse("admin:clearance_task_add")).status_code == 403
