from django.urls import path

from lixiao.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("apply/<int:campaign_id>/", views.apply, name="apply"),
    path("task/<int:task_id>/", views.fill, name="fill"),
]
