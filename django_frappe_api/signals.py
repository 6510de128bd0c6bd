"""Receivers that keep cached metas in step with the DocType tables.

Usage: imported once from ``FrappeApiConfig.ready()``; nothing to call.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .meta import clear_meta_cache
from .models import DocField, DocPerm, DocType


@receiver([post_save, post_delete], sender=DocType, dispatch_uid="frappe_api_doctype_changed")
def doctype_changed(sender, instance: DocType, **kwargs) -> None:
    clear_meta_cache(instance.name)


@receiver([post_save, post_delete], sender=DocField, dispatch_uid="frappe_api_docfield_changed")
@receiver([post_save, post_delete], sender=DocPerm, dispatch_uid="frappe_api_docperm_changed")
def child_row_changed(sender, instance, **kwargs) -> None:
    clear_meta_cache(instance.doctype_id)
