from django.urls import path

from lixiao.approvals import views

app_name = "approvals"
urlpatterns = [
    path("<str:scope>/", views.index, name="index"),
    path("<str:scope>/approve/", views.approve, name="approve"),
    path("<str:scope>/reject/<int:task_id>/", views.reject, name="reject"),
    path("<str:scope>/applications/apply/", views.apply_for, name="apply_for"),
    path("<str:scope>/applications/<int:case_id>/<str:decision>/", views.application, name="application"),
    path("<str:scope>/submission/<int:submission_id>/<str:decision>/", views.review, name="review"),
]
