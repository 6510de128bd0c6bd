#!/usr/bin/env python
"""manage.py of the benchmark's baseline project (hand-written Django views and a DRF ModelViewSet)."""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
