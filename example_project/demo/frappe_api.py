"""The demo's models as DocTypes: ``Territory``, ``Customer`` and its child table ``Customer Contact``.

Django's own ``User`` and ``Group`` are served as ``User`` and ``Role`` by django_frappe_api itself.
Try (Basic auth takes an API key and secret, as in Frappe: see "API keys" in the README)::

    curl -s -c cookies -X POST http://127.0.0.1:8000/api/method/login -d usr=Administrator -d pwd=admin
    curl -g -b cookies 'http://127.0.0.1:8000/api/resource/Customer?fields=["*"]'
    curl -b cookies 'http://127.0.0.1:8000/api/v2/document/Customer/1'
"""

from __future__ import annotations

from django_frappe_api import DocumentController, exceptions, register_model

from .models import Customer, CustomerContact, Territory


class CustomerController(DocumentController):
    """Frappe hooks run on every write through the API."""

    def validate(self):
        if self.credit_limit is not None and float(self.credit_limit) < 0:
            raise exceptions.ValidationError("Credit Limit cannot be negative")


class CustomerDocType:
    """An options class: the same settings as keyword arguments of register_model()."""

    doctype = "Customer"
    title_field = "customer_name"
    search_fields = ["customer_name", "email"]
    owner_field = "owner"
    creation_field = "created"
    modified_field = "updated"
    child_tables = {"contacts": "contacts"}
    controller = CustomerController


# Territory: Frappe role permission rows win over Django's model permissions.
register_model(Territory, doctype="Territory", name_field="name", sort_field="name", sort_order="ASC",
               permissions=[{"role": "All", "read": 1, "write": 0, "create": 0, "delete": 0},
                            {"role": "System Manager"}])
register_model(CustomerContact, doctype="Customer Contact", istable=True, parent_field="customer")
# Customer: no permission rows, so Django's view/add/change/delete_customer permissions apply.
register_model(Customer, options=CustomerDocType)
