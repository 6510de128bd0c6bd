"""Receivers that keep cached metas in step with the DocType tables.

Usage: imported once from ``FrappeApiConfig.ready()``; nothing to call.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .backends import index_sync
from .meta import clear_meta_cache
from .models import DocField, DocPerm, DocType


@receiver([post_save, post_delete], sender=DocType, dispatch_uid="frappe_api_doctype_changed")
def doctype_changed(sender, instance: DocType, **kwargs) -> None:
    clear_meta_cache(instance.name)


@receiver(post_delete, sender=DocType, dispatch_uid="frappe_api_doctype_indexes_dropped")
def doctype_deleted(sender, instance: DocType, **kwargs) -> None:
    index_sync.drop_doctype(instance.name)


def resync_after_partitioning(*args: Any, plan: list | None = None, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate``: migration 0004 made the document table partitioned (or plain again) and the field
    indexes and triggers went with the old table: made again, on the current schema, as
    ``frappe_api_sync_indexes`` would."""
    if using == "default" and any(migration.app_label == "django_frappe_api" and migration.name.startswith("0004_")
                                  for migration, _ in plan or []):
        index_sync.sync_all()


@receiver([post_save, post_delete], sender=DocField, dispatch_uid="frappe_api_docfield_changed")
@receiver([post_save, post_delete], sender=DocPerm, dispatch_uid="frappe_api_docperm_changed")
def child_row_changed(sender, instance, **kwargs) -> None:
    clear_meta_cache(instance.doctype_id)


# Doc events, sent by the document layer around every write, ``sender`` = DocType name.
# Arguments of each: doc (the document as a dict in stored form; receivers may change values in
# the before_* and validate events), user (the Django user making the change).
before_insert = Signal()
before_validate = Signal()
validate = Signal()
before_save = Signal()
before_submit = Signal()
before_cancel = Signal()
after_insert = Signal()
on_update = Signal()
on_submit = Signal()
on_cancel = Signal()
on_change = Signal()
on_trash = Signal()
after_delete = Signal()

DOC_EVENTS = {
    "before_insert": before_insert,
    "before_validate": before_validate,
    "validate": validate,
    "before_save": before_save,
    "before_submit": before_submit,
    "before_cancel": before_cancel,
    "after_insert": after_insert,
    "on_update": on_update,
    "on_submit": on_submit,
    "on_cancel": on_cancel,
    "on_change": on_change,
    "on_trash": on_trash,
    "after_delete": after_delete,
}
