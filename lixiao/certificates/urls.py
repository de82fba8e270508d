from django.urls import path

from lixiao.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.index, name="index"),
    path("office/<int:office_id>/", views.office, name="office"),
    path("office/<int:office_id>/collect/<int:task_id>/", views.collect, name="collect"),
    path("letter/<int:collection_id>/", views.letter, name="letter"),
    path("form/<int:case_id>/", views.form_pdf, name="form"),
]
