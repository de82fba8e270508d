from django import forms
from django.contrib import admin

from lixiao.rules.formspec import check_spec
from lixiao.rules.models import CalendarDay, CalendarYear, DepartureType, Item, ItemScope


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = "__all__"  # noqa: DJ007 (the admin edits every configuration field)

    def clean_form_fields(self):
        value = self.cleaned_data["form_fields"]
        try:
            check_spec(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value


class ItemScopeInline(admin.TabularInline):
    model = ItemScope
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = ItemForm
    list_display = ["code", "name", "department", "departure_type", "handler", "method", "final", "sort"]
    list_filter = ["departure_type", "department__campus", "department", "method", "handler"]
    list_select_related = ["department__campus"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["prerequisites"]
    inlines = [ItemScopeInline]


@admin.register(DepartureType)
class DepartureTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "sort"]
    search_fields = ["code", "name", "name_en"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "notice", "entered_at"]
    ordering = ["-year"]
    search_fields = ["notice"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    ordering = ["date"]
    date_hierarchy = "date"
    search_fields = ["name"]
