"""Campaigns are configured here; clearance state (cases, tasks, lists, audit) is read-only: it changes only
through the engine's services (counters, imports, the API), never by editing rows."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lixiao.clearance.models import AuditEvent, Campaign, Case, ListEntry, ProcessingWindow, Task, WindowRule
from lixiao.lib import workdays


class ProcessingWindowInline(admin.TabularInline):
    """Windows are generated and opened from the office's windows page (audited); here they are only shown."""

    model = ProcessingWindow
    extra = 0
    fields = ["opens_at", "closes_at", "source", "note", "created_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class CampaignForm(forms.ModelForm):
    """Refuses window settings that generating windows would refuse later."""

    class Meta:
        model = Campaign
        fields = "__all__"  # noqa: DJ007 (the admin edits every configuration field)

    def clean(self):
        data = super().clean()
        rule = data.get("window_rule")
        if rule == WindowRule.DATES:
            try:
                workdays.parse_dates(data.get("window_dates", ""))
            except ValueError as exc:
                self.add_error(
                    "window_dates", _("Dates like 2026-01-05, separated by commas: %(error)s") % {"error": exc}
                )
        if rule == WindowRule.WORKDAYS and (data.get("window_workdays") or 0) < 1:
            self.add_error("window_workdays", _("At least one working day."))
        opens, closes = data.get("window_opens"), data.get("window_closes")
        if rule != WindowRule.NONE and opens and closes and opens >= closes:
            self.add_error("window_closes", _("Windows must close later in the day than they open: correct the hours."))
        return data


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["code", "name", "departure_type", "kind", "launch_on", "processing_from", "departure_on"]
    list_filter = ["departure_type", "kind"]
    filter_horizontal = ["categories"]
    readonly_fields = ["launched_at"]
    inlines = [ProcessingWindowInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "departure_type", "kind", "categories", "launched_at"]}),
        (
            _("Stages (Beijing dates; empty: not gated by stage)"),
            {"fields": ["roster_from", "data_from", "launch_on", "processing_from", "departure_on", "closes_on"]},
        ),
        (
            _("Rolling campaigns: applications and processing windows"),
            {
                "fields": [
                    "college_approval",
                    "office_review",
                    "window_rule",
                    "window_workdays",
                    "window_dates",
                    "window_opens",
                    "window_closes",
                ]
            },
        ),
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["student", "campaign", "status", "category", "campus", "college"]
    list_filter = ["campaign", "status", "category", "campus"]
    list_select_related = ["student", "campaign", "category", "campus", "college"]
    search_fields = ["student__student_no", "student__name"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["case", "item", "required", "state", "reason", "amount", "channel", "updated_at"]
    list_filter = ["campaign", "state", "item__department", "item"]
    list_select_related = ["case__student", "case__campaign", "item"]
    search_fields = ["case__student__student_no"]


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ["student_no", "name", "item", "reason", "amount", "active", "added_at", "released_at"]
    list_filter = ["campaign", "item", "active"]
    list_select_related = ["item"]
    search_fields = ["student_no", "name"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "state_before", "state_after", "channel", "actor_label", "task"]
    list_filter = ["campaign", "action", "channel"]
    list_select_related = ["task__item", "task__case__student", "task__case__campaign"]
    search_fields = ["task__case__student__student_no", "actor_label"]
