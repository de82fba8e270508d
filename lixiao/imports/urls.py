from django.urls import path

from lixiao.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("roster/", views.roster_upload, name="roster_upload"),
    path("list/", views.list_upload, name="list_upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/undo/", views.undo, name="undo"),
]
