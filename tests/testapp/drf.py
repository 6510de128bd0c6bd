"""A plain DRF ``ModelViewSet`` over ``Customer``: the baseline of ``tests/benchmarks``, mounted at ``/drf/``."""

from __future__ import annotations

from rest_framework import pagination, permissions, routers, serializers, viewsets

from .models import Contact, Customer


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "person", "phone"]


class CustomerSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(slug_field="name", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "customer_name", "customer_type", "territory", "credit_limit", "email", "active", "since",
                  "created", "updated", "owner"]


class CustomerDetailSerializer(CustomerSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "contacts"]


class Paging(pagination.LimitOffsetPagination):
    default_limit = 20


class CustomerViewSet(viewsets.ModelViewSet):
    """What a hand-written DRF API over the same model looks like (same joins as the Frappe list)."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = Paging

    def get_queryset(self):
        queryset = Customer.objects.select_related("territory", "owner").order_by("-updated")
        return queryset.prefetch_related("contacts") if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return CustomerDetailSerializer if self.action == "retrieve" else CustomerSerializer


router = routers.SimpleRouter()
router.register("customers", CustomerViewSet, basename="drf-customer")
