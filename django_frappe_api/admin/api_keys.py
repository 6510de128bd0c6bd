"""API keys in the admin: listed and revoked, never issued or shown (only the secret's hash is stored).

Usage: ``django_frappe_api.admin.register(site)`` registers it (on ``admin.site`` by default).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin


class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by ``generate_keys`` or ``frappe_api_create_keys``; deleting a row revokes the key at once."""

    list_display = ("user", "api_key", "created", "rotated")
    search_fields = ("api_key", "user__username", "user__email")
    fields = ("user", "api_key", "created", "rotated")
    readonly_fields = fields
    ordering = ("-created",)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
