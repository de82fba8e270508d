from django.contrib import admin

from lixiao.rules.models import Item, ItemScope


class ItemScopeInline(admin.TabularInline):
    model = ItemScope
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "handler", "method", "final", "sort"]
    list_filter = ["department__campus", "department", "method", "handler"]
    list_select_related = ["department__campus"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["prerequisites"]
    inlines = [ItemScopeInline]
