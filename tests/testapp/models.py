"""Host models the tests expose Frappe-style through ``register_model``.

They resemble ``example_project/demo/models.py`` but are kept apart deliberately: assertions pin
these labels (``testapp.Customer``), tables and field shapes, and the demo must stay free to change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Territory(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    TYPES = [("Company", "Company"), ("Individual", "Individual")]

    customer_name = models.CharField(max_length=140)
    customer_type = models.CharField(max_length=20, choices=TYPES, default="Company")
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT)
    credit_limit = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    since = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return self.customer_name


class Contact(models.Model):
    customer = models.ForeignKey(Customer, related_name="contacts", on_delete=models.CASCADE)
    person = models.CharField(max_length=100)
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.person


class Ticket(models.Model):
    """Same shape as the JSON ``Ticket`` DocType of the storage-parity tests."""

    STATUSES = [("Open", "Open"), ("Replied", "Replied"), ("Closed", "Closed")]
    PRIORITIES = [("Low", "Low"), ("Medium", "Medium"), ("High", "High")]

    subject = models.CharField(max_length=140)
    status = models.CharField(max_length=20, choices=STATUSES, default="Open")
    priority = models.CharField(max_length=20, choices=PRIORITIES, default="Medium")
    due_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    done = models.BooleanField(default=False)
    notes = models.TextField(blank=True, null=True)  # noqa: DJ001 - NULL, as a JSON DocType stores "no value"
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    creation = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    def __str__(self) -> str:
        return self.subject


class TicketItem(models.Model):
    ticket = models.ForeignKey(Ticket, related_name="items", on_delete=models.CASCADE)
    item = models.CharField(max_length=140)
    qty = models.IntegerField(default=0)
    rate = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    def __str__(self) -> str:
        return self.item
