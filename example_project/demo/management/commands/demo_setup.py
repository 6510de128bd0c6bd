"""``manage.py demo_setup``: migrate, create the Administrator (DEBUG only), load the demo DocTypes and a
few demo customers (the ``Customer`` model exposed in ``demo/frappe_api.py``)."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare the example project: migrate, create the Administrator user, load demo DocTypes."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        self._create_administrator()
        call_command("frappe_api_sync_doctypes", stdout=self.stdout)
        self._create_customers()

    def _create_customers(self) -> None:
        from demo.models import Customer, CustomerContact, Territory

        if Customer.objects.exists():
            return
        north, _ = Territory.objects.get_or_create(name="North")
        south, _ = Territory.objects.get_or_create(name="South")
        acme = Customer.objects.create(customer_name="Acme Corp", territory=north, credit_limit=5000,
                                       email="buying@acme.example")
        CustomerContact.objects.create(customer=acme, person="Wile E. Coyote", phone="+1 555 0100")
        Customer.objects.create(customer_name="Jane Roe", customer_type="Individual", territory=south)
        self.stdout.write("Created demo customers (GET /api/resource/Customer).")

    def _create_administrator(self) -> None:
        users = get_user_model()
        if users.objects.filter(username="Administrator").exists():
            self.stdout.write("User Administrator exists.")
            return
        if not settings.DEBUG:
            self.stdout.write(
                "DEBUG is off: no default Administrator created. Run "
                "`manage.py createsuperuser --username Administrator` to create one."
            )
            return
        password = os.environ.get("FRAPPE_ADMIN_PASSWORD", "admin")
        users.objects.create_superuser("Administrator", "admin@example.com", password, first_name="Administrator")
        self.stdout.write("Created superuser Administrator (password from FRAPPE_ADMIN_PASSWORD, default 'admin').")
