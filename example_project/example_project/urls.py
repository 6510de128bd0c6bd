"""The front page at /, the Frappe API at /api/, the Django admin at /admin/."""

from demo.views import home
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("django_frappe_api.urls")),
]
