"""The example project's front page: what is running here and how to try it (instead of Django's 404)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

DOCTYPES = [
    ("ToDo", "a DocType defined as data (demo/doctypes/todo.json)"),
    ("Note", "a DocType defined as data (demo/doctypes/note.json)"),
    ("Expense Claim", "a submittable DocType with a naming series (demo/doctypes/expense_claim.json)"),
    ("Customer", "a Django model exposed with register_model (demo/frappe_api.py)"),
    ("Territory", "a Django model linked from Customer"),
]


def home(request: HttpRequest) -> HttpResponse:
    """A small page linking to the admin, the API and the demo DocTypes, with curl commands to copy."""
    base = request.build_absolute_uri("/").rstrip("/")
    return render(request, "demo/home.html", {"base": base, "doctypes": DOCTYPES})
