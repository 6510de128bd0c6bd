"""The benchmark's table: the DocType's fields as real, indexed columns."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Item(models.Model):
    name = models.CharField(max_length=140, unique=True)
    owner = models.CharField(max_length=140, blank=True, default="")
    creation = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now, db_index=True)
    modified_by = models.CharField(max_length=140, blank=True, default="")
    docstatus = models.SmallIntegerField(default=0)
    idx = models.IntegerField(default=0)
    title = models.CharField(max_length=140, db_index=True)
    status = models.CharField(max_length=20, db_index=True)
    qty = models.IntegerField(default=0, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["status", "modified"], name="baseline_status_modified_idx")]

    def __str__(self) -> str:
        return self.name
