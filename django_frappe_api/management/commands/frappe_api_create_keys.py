"""``manage.py frappe_api_create_keys <username>``: issue an API key and a new secret for a user.

Usage::

    $ python manage.py frappe_api_create_keys jane@example.com
    api_key: 1a2b3c4d5e6f7a8
    api_secret: 9f8e7d6c5b4a3f2
    Authorization: token 1a2b3c4d5e6f7a8:9f8e7d6c5b4a3f2

Like Frappe's ``generate_keys``: the key is created once and kept, every run replaces the secret (the previous
one stops working), and the secret is printed this once only. Delete the ``ApiKey`` row to revoke the key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...methods.auth import find_user
from ...models import ApiKey


class Command(BaseCommand):
    help = "Create an API key for a user (or keep the existing one) and print it with a new secret."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="Username (or email address) of the user.")

    def handle(self, *args, username: str, **options) -> None:
        user = find_user(username)
        if user is None:
            raise CommandError(f"User {username} not found")
        api_key, secret = ApiKey.objects.issue(user)
        self.stdout.write(f"api_key: {api_key.api_key}")
        self.stdout.write(f"api_secret: {secret}")
        self.stdout.write(f"Authorization: token {api_key.api_key}:{secret}")
