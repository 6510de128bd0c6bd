from django.contrib import admin
from django.urls import include, path

from tests.testapp.drf import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("drf/", include(router.urls)),  # baseline of tests/benchmarks
    path("accounts/", include("django.contrib.auth.urls")),  # password_reset_confirm, for reset_password links
    path("", include("django_frappe_api.urls")),
]
