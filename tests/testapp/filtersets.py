"""A host's django-filter FilterSet over ``Ticket``, as a DRF shop already has one."""

from __future__ import annotations

import django_filters

from .models import Ticket


class TicketFilter(django_filters.FilterSet):
    min_amount = django_filters.NumberFilter(field_name="amount", lookup_expr="gte")
    max_amount = django_filters.NumberFilter(field_name="amount", lookup_expr="lte")
    priority = django_filters.ChoiceFilter(choices=Ticket.PRIORITIES)

    class Meta:
        model = Ticket
        fields = ["done"]
