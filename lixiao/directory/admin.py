from django.contrib import admin

from lixiao.directory.models import (
    Campus,
    CampusCategory,
    Card,
    CardForm,
    Category,
    College,
    Department,
    Membership,
    Staff,
    Student,
)


class CampusCategoryInline(admin.TabularInline):
    model = CampusCategory
    extra = 0


@admin.register(Campus)
class CampusAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort"]
    inlines = [CampusCategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "office", "international", "sort"]
    list_select_related = ["office__campus"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "campus", "kind", "place"]
    list_filter = ["campus", "kind"]
    list_select_related = ["campus"]


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "place"]
    search_fields = ["code", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["college"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "college"]
    list_filter = ["role", "department"]
    list_select_related = ["user", "department__campus", "college"]
    autocomplete_fields = ["user", "college"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["staff_no", "name", "college", "user"]
    search_fields = ["staff_no", "name"]
    list_select_related = ["college", "user"]
    autocomplete_fields = ["user", "college"]


class CardInline(admin.TabularInline):
    model = Card
    fields = ["number", "uid", "active"]
    extra = 0


class CardFormInline(admin.TabularInline):
    """The forms a reader may type for the card's UID: derived, read only."""

    model = CardForm
    fields = ["kind", "value"]
    readonly_fields = ["kind", "value"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["number", "uid", "student", "active"]
    list_filter = ["active"]
    search_fields = ["number", "uid", "student__student_no", "student__name"]
    list_select_related = ["student"]
    autocomplete_fields = ["student"]
    inlines = [CardFormInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        CardForm.objects.rebuild([obj])


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["student_no", "name", "name_latin", "category", "campus", "college", "class_name"]
    list_filter = ["category", "campus", "college"]
    search_fields = ["student_no", "name", "name_latin", "cards__number", "cards__uid"]
    list_select_related = ["category", "campus", "college"]
    autocomplete_fields = ["advisor", "user", "college"]
    inlines = [CardInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        CardForm.objects.rebuild(form.instance.cards.all())
