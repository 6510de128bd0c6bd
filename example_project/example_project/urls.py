"""The Frappe API at /api/, the Django admin at /admin/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("django_frappe_api.urls")),
]
