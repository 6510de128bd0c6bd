"""Routes of the baseline project: ``/items/`` hand-written, ``/drf/items/`` DRF."""

from __future__ import annotations

from baseline_app import views
from django.urls import include, path
from rest_framework.routers import SimpleRouter

router = SimpleRouter()
router.register("items", views.ItemViewSet, basename="item")

urlpatterns = [
    path("items/", views.item_list),
    path("items/<str:name>", views.item_detail),
    path("drf/", include(router.urls)),
]
