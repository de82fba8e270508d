from django.urls import path

from lixiao.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("task/<int:task_id>/", views.fill, name="fill"),
]
