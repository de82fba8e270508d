from django.contrib import admin

from lixiao.certificates.models import Collection


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["collected_at", "office", "task", "method", "proxy_name", "clerk_label"]
    list_filter = ["method", "office"]
    list_select_related = ["office__campus", "task__case__student", "task__item"]
    search_fields = ["task__case__student__student_no", "proxy_name"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
