"""Host code on documents: a controller class per DocType with Frappe's hooks and document methods.

Usage::

    from django_frappe_api import DocumentController, register_controller, whitelist_method

    @register_controller("ToDo")
    class ToDo(DocumentController):
        def validate(self):
            if self.priority == "High" and not self.date:
                raise exceptions.ValidationError("High priority ToDos need a date")

        @whitelist_method(methods=["POST"])
        def close(self, reason: str = ""):
            self.status = "Closed"
            return self.save()

        @whitelist_method(methods=["GET"])
        @staticmethod
        def open_count() -> int:          # a DocType-level function: GET /api/v2/method/ToDo/open_count
            return len(document.get_all("ToDo", filters={"status": "Open"}))

The registry of controller classes and the ``whitelist_method`` marker live in ``hooks`` (below the
document layer); this module sits above it, since ``save()`` calls the document layer.
Hooks run inside the request's transaction, so an exception raised in one rolls the whole write back
and reaches the client as a Frappe error. Hooks see and may change the document's values
(``self.status``, ``self.doc["status"]``) before they are validated and stored.
"""

from __future__ import annotations

from typing import Any

from . import document


class DocumentController:
    """Wraps one document (a dict in stored form) for hooks and document methods."""

    def __init__(self, doctype: str, doc: dict[str, Any], *, user: Any = None) -> None:
        object.__setattr__(self, "doctype", doctype)
        object.__setattr__(self, "doc", doc)
        object.__setattr__(self, "user", user)

    def __getattr__(self, name: str) -> Any:
        doc = object.__getattribute__(self, "doc")
        if name in doc:
            return doc[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).__dict__ or name in ("doctype", "doc", "user"):
            object.__setattr__(self, name, value)
        else:
            self.doc[name] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.doc.get(key, default)

    def save(self) -> dict[str, Any]:
        """Store the current values (an update through the document layer); returns the saved document."""
        values = {key: value for key, value in self.doc.items() if not key.startswith("_")}
        values.pop("modified", None)
        saved = document.update_doc(self.doctype, self.doc["name"], values, user=self.user)
        self.doc.update(saved)
        return saved
