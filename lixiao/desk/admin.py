from django.contrib import admin

from lixiao.desk.models import Scan, Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "clear_on_swipe", "reader_mode"]
    list_select_related = ["department__campus"]
    fields = ["code", "name", "department", "clear_on_swipe", "reader_mode", "strip_prefixes", "strip_suffixes"]


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["created_at", "station", "desk", "clerk", "raw", "matched_by", "student", "result"]
    list_filter = ["result", "station"]
    list_select_related = ["station", "clerk", "student"]
    search_fields = ["raw", "student__student_no"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
