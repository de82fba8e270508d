from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from lixiao.accounts import views as account_views
from lixiao.certificates import views as certificate_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("lixiao.accounts.urls")),
    path("desk/", include("lixiao.desk.urls")),
    path("me/", include("lixiao.portal.urls")),
    path("reports/", include("lixiao.reports.urls")),
    path("imports/", include("lixiao.imports.urls")),
    path("certificates/", include("lixiao.certificates.urls")),
    path("verify/<str:token>/", certificate_views.verify, name="verify_form"),
    path("approvals/", include("lixiao.approvals.urls")),
    path("office/", include("lixiao.office.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
