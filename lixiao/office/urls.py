from django.urls import path

from lixiao.office import views

app_name = "office"
urlpatterns = [
    path("", views.index, name="index"),
    path("campaign/<slug:code>/", views.campaign, name="campaign"),
    path("campaign/<slug:code>/launch/", views.launch, name="launch"),
    path("campaign/<slug:code>/extend/", views.extend, name="extend"),
    path("campaign/<slug:code>/windows/generate/", views.windows_generate, name="windows_generate"),
    path("campaign/<slug:code>/windows/extra/", views.window_extra, name="window_extra"),
    path("campaign/<slug:code>/windows/<int:window_id>/close/", views.window_close, name="window_close"),
    path("campaign/<slug:code>/review/<int:case_id>/", views.review, name="review"),
    path("case/<int:case_id>/", views.case, name="case"),
    path("case/<int:case_id>/status/", views.case_status, name="case_status"),
]
