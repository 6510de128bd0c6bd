"""Link integrity: a document's Link values name existing documents, and a document still linked
from others is not deleted or cancelled (Frappe's ``check_if_doc_is_linked``)."""

from __future__ import annotations

from typing import Any

from .. import exceptions, fieldtypes
from ..backends.base import get_backend
from ..definition_checks import BUILTIN_LINK_TARGETS
from ..definitions import link_fields_to
from ..meta import FieldMeta, Meta, doctype_exists, get_meta
from .values import doc_rows


def validate_links(meta: Meta, doc: dict[str, Any]) -> None:
    """Link values must name existing documents (§9.10); Dynamic Links need their type first.

    Also fills ``fetch_from`` fields, and refuses links from a submittable document to cancelled ones.
    """
    missing: list[str] = []
    cancelled: list[str] = []
    for row_prefix, row_meta, row in doc_rows(meta, doc):
        for field in row_meta.data_fields:
            value = row.get(field.fieldname)
            if value in (None, "") or field.fieldtype not in ("Link", "Dynamic Link"):
                continue
            target = field.options if field.fieldtype == "Link" else row.get(field.options)
            if field.fieldtype == "Dynamic Link" and not target:
                type_field = row_meta.get_field(field.options)
                label = type_field.display_label if type_field else field.options
                raise exceptions.ValidationError(f"{label} must be set first")
            if target in BUILTIN_LINK_TARGETS:  # a Link to DocType names a DocType (Dynamic Link's type)
                if not doctype_exists(str(value)):
                    missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            try:
                target_meta = get_meta(target)
            except exceptions.DoesNotExistError:
                missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            fetched = [f for f in row_meta.data_fields if f.fetch_from.startswith(f"{field.fieldname}.")]
            check_cancelled = (
                meta.is_submittable and target_meta.is_submittable and field.fieldname != "amended_from"
            )
            if not fetched and not check_cancelled:
                if not get_backend(target_meta).exists(target_meta, value):
                    missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            linked = get_backend(target_meta).get_doc(target_meta, value)
            if linked is None:
                missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            if check_cancelled and int(linked.get("docstatus") or 0) == 2:
                cancelled.append(f"{row_prefix} {field.display_label}: {value}".strip())
            _fetch_values(row, fetched, linked)
    if missing:
        raise exceptions.LinkValidationError(f"Could not find {', '.join(missing)}")
    if cancelled:
        raise exceptions.CancelledLinkError(f"Cannot link cancelled document: {', '.join(cancelled)}")


def _fetch_values(row: dict[str, Any], fields: list[FieldMeta], linked: dict[str, Any]) -> None:
    """``fetch_from`` fields mirror a value of the linked document (kept when ``fetch_if_empty`` and set)."""
    for field in fields:
        if field.properties.get("fetch_if_empty") and row.get(field.fieldname) not in (None, ""):
            continue
        source = field.fetch_from.split(".", 1)[1]
        row[field.fieldname] = fieldtypes.coerce(field.fieldtype, linked.get(source))


def check_no_links(meta: Meta, doc: dict[str, Any], *, cancelling: bool = False) -> None:
    """Refuse deleting a document that a Link field of another document still points to, or cancelling
    one that a submitted document points to (``frappe.model.delete_doc.check_if_doc_is_linked``)."""
    for linking_doctype, fieldname in link_fields_to(meta.name):
        linking_meta = get_meta(linking_doctype)
        field = linking_meta.get_field(fieldname)
        if field is None or (cancelling and fieldname == "amended_from"):
            continue
        row = get_backend(linking_meta).linked_row(
            linking_meta, fieldname, doc["name"], submitted_only=cancelling,
            exclude_parent=(meta.name, str(doc["name"])),  # its own child rows
        )
        if row is None:
            continue
        shown_doctype, shown_name = linking_doctype, row["name"]
        if row["parent"]:
            shown_doctype, shown_name = row["parenttype"], row["parent"]
        raise exceptions.LinkExistsError(
            f"Cannot delete or cancel because {meta.name} {doc['name']} is linked with "
            f"{shown_doctype} {shown_name}"
        )
