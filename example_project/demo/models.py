"""Business models of the demo, exposed Frappe-style in ``frappe_api.py`` (no DocType rows needed).

``tests/testapp`` has look-alike models on purpose: the demo is what a project copies and may change
to read better, while the tests pin labels, tables and field shapes in their assertions. Neither app
imports the other, so this project stays self-contained and the suite never depends on the demo.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Territory(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A customer of the demo company."""

    TYPES = [("Company", "Company"), ("Individual", "Individual")]

    customer_name = models.CharField(max_length=140)
    customer_type = models.CharField(max_length=20, choices=TYPES, default="Company")
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT)
    credit_limit = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    since = models.DateField(null=True, blank=True, help_text="First order date")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    def __str__(self) -> str:
        return self.customer_name


class CustomerContact(models.Model):
    customer = models.ForeignKey(Customer, related_name="contacts", on_delete=models.CASCADE)
    person = models.CharField(max_length=100)
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.person
