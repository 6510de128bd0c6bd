"""The text patterns Frappe checks values against, each defined once.

Usage::

    from django_frappe_api import formats
    formats.IDENTIFIER_RE.match("customer_name")          # a column named in a query
    formats.EMAIL_RE.match("ada@example.com")             # a Data field with options "Email"

Query identifiers (filters, fields, order_by) and definition names (DocType names, fieldnames)
differ on purpose: a query may name any existing column, a new fieldname is at most 140 characters.
"""

from __future__ import annotations

import re

# A column named in fields, filters, order_by or group_by; a leading digit is allowed, as in Frappe.
IDENTIFIER_RE = re.compile(r"^(?![0-9]+$)[A-Za-z0-9_]+$")
# ``tabCustomer.name`` or `` `tabCustomer`.`name` ``: DocType and column of a qualified column.
QUALIFIED_RE = re.compile(r"^`?tab([^`]+)`?\.`?([A-Za-z_][A-Za-z0-9_]*)`?$")

DOCTYPE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,139}$")
# Frappe allows a leading digit (Journal Entry's ``2_add_edit_gl_entries``); all digits would read as an index.
FIELDNAME_RE = re.compile(r"^(?![0-9]+$)[a-z0-9_]{1,140}$", re.IGNORECASE)

# Data fields by their options (frappe.utils: validate_email_address, PHONE_NUMBER_PATTERN, validate_name).
EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
PHONE_RE = re.compile(r"^[0-9 +_\-,.*#()]{1,20}$")
NAME_RE = re.compile(r"^[\w][\w'\-]*( \w[\w\-]*)*$")
