from django.urls import path

from lixiao.desk import journal, views

app_name = "desk"
urlpatterns = [
    path("<str:scope>/", views.counter, name="counter"),
    path("<str:scope>/scan/", views.scan, name="scan"),
    path("<str:scope>/pick/<str:student_no>/", views.pick, name="pick"),
    path("<str:scope>/task/<int:task_id>/<str:action>/", views.task_action, name="task_action"),
    path("<str:scope>/done/", journal.journal, name="journal"),
    path("<str:scope>/done/<int:event_id>/undo/", journal.undo, name="undo"),
    path("<str:scope>/done/export.xlsx", journal.export, name="export"),
    path("<str:scope>/paste/", journal.bulk, name="bulk"),
]
