"""The practical limit of Django: ``values()`` into a ``JsonResponse`` shaped like Frappe's; and DRF.

Authentication is what a hand-written view would do: Django's session middleware, or one query for a DRF
``authtoken`` key in ``Authorization: Token <key>``.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from .models import Item

DETAIL_FIELDS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "title", "status", "qty")
LIST_FIELDS = ("name", "title", "status", "qty", "modified")


def _authorized(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Token "):
        return Token.objects.select_related("user").filter(key=header[6:], user__is_active=True).exists()
    if request.COOKIES.get("sessionid"):
        return request.user.is_authenticated
    return True  # Guest


def item_detail(request, name: str) -> HttpResponse:
    if not _authorized(request):
        return JsonResponse({"exc_type": "AuthenticationError"}, status=401)
    row = Item.objects.filter(name=name).values(*DETAIL_FIELDS).first()
    if row is None:
        raise Http404
    return JsonResponse({"data": {**row, "doctype": "Bench Item"}})


def item_list(request) -> HttpResponse:
    if not _authorized(request):
        return JsonResponse({"exc_type": "AuthenticationError"}, status=401)
    rows = Item.objects.filter(status=request.GET.get("status", "Open")).order_by("-modified").values(*LIST_FIELDS)
    return JsonResponse({"data": list(rows[:20])})


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = DETAIL_FIELDS


class FirstPage(BasePagination):
    """The first ``page_size`` rows without a count query, as Frappe's list does."""

    page_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        return list(queryset[: self.page_size])

    def get_paginated_response(self, data):
        return Response({"data": data})


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ItemSerializer
    pagination_class = FirstPage
    lookup_field = "name"

    def get_queryset(self):
        queryset = Item.objects.all()
        if self.action == "list":
            queryset = queryset.filter(status=self.request.query_params.get("status", "Open")).order_by("-modified")
        return queryset
