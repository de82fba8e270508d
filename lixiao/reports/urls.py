from django.urls import path

from lixiao.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/tasks.<str:fmt>", views.export_tasks, name="export_tasks"),
    path("prep/", views.prep, name="prep"),
]
