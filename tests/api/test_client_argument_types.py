"""Wrong JSON types in the arguments of the built-in methods are Frappe errors (417/404), never a 500: a
sweep over ``frappe.client.*``, the desk helpers and ``run_doc_method``, v1 and v2, whole bodies."""

from __future__ import annotations

import pytest

from tests.api.rpc_support import body

pytestmark = pytest.mark.django_db

NOT_LIST = "'fields' must be a list"
CASES = [
    # (method, JSON body, status, exc_type, message)
    ("frappe.client.get_list", {"doctype": "ToDo", "fields": {"a": 1}}, 417, "ValidationError", NOT_LIST),
    ("frappe.client.get_list", {"doctype": "ToDo", "filters": 5}, 417, "ValidationError",
     "'filters' must be a list or dictionary"),
    ("frappe.client.get_list", {"doctype": "ToDo", "or_filters": 5}, 417, "ValidationError",
     "'or_filters' must be a list or dictionary"),
    ("frappe.client.get_list", {"doctype": "ToDo", "order_by": 5}, 417, "DataError", "Field not permitted in query: 5"),
    ("frappe.client.get_list", {"doctype": "ToDo", "group_by": [1]}, 417, "FrappeTypeError",
     "Argument 'group_by' should be of type 'str | NoneType' but got 'list' instead."),
    ("frappe.client.get_list", {"doctype": ["ToDo"]}, 417, "FrappeTypeError",
     "Argument 'doctype' should be of type 'str' but got 'list' instead."),
    ("frappe.client.get_list", {"doctype": "ToDo", "fields": ["name", ["x"]]}, 417, "DataError",
     "Field not permitted in query: ['x']"),
    ("frappe.client.get_list", {"doctype": "ToDo", "filters": [["status", "between", 5]]}, 417, "ValidationError",
     "'between' needs a list of two values"),
    ("frappe.client.get_list", {"doctype": "ToDo", "filters": {"status": {"a": 1}}}, 417, "ValidationError",
     "Invalid filter value for Select field: {'a': 1}"),
    ("frappe.client.get_count", {"doctype": "ToDo", "filters": [5]}, 417, "ValidationError",
     "Filter must be a tuple or list (in a list)"),
    ("frappe.client.get", {"doctype": "ToDo", "filters": 5}, 417, "ValidationError",
     "'filters' must be a list or dictionary"),
    ("frappe.client.get_value", {"doctype": "ToDo", "fieldname": {"x": []}}, 417, "ValidationError",
     "fieldname must be a field name or a list of field names"),
    ("frappe.client.get_value", {"doctype": "ToDo", "fieldname": [1]}, 417, "DataError",
     "Field not permitted in query: 1"),
    ("frappe.client.get_value", {"doctype": "ToDo", "fieldname": "status", "filters": 5.5}, 417, "ValidationError",
     "'filters' must be a list or dictionary"),
    ("frappe.client.get_single_value", {"doctype": "ToDo", "field": ["x"]}, 417, "FrappeTypeError",
     "Argument 'field' should be of type 'str' but got 'list' instead."),
    ("frappe.client.set_value", {"doctype": "ToDo", "name": "x", "fieldname": [1]}, 417, "ValidationError",
     "fieldname must be a field name or a JSON object of values"),
    ("frappe.client.set_value", {"doctype": "ToDo", "name": "x", "fieldname": ["a"], "value": "Open"}, 417,
     "ValidationError", "fieldname must be a field name or a JSON object of values"),
    ("frappe.client.set_value", {"doctype": "ToDo", "name": "x", "fieldname": 5, "value": "Open"}, 417,
     "ValidationError", "fieldname must be a field name or a JSON object of values"),
    ("frappe.client.insert", {"doc": [1]}, 417, "ValidationError", "Invalid request arguments"),
    ("frappe.client.insert", {"doc": 5}, 417, "ValidationError", "Invalid request arguments"),
    ("frappe.client.insert", {"doc": {"doctype": 5}}, 404, "DoesNotExistError", "DocType 5 not found"),
    ("frappe.client.insert_many", {"docs": [1]}, 417, "ValidationError", "Invalid request arguments"),
    ("frappe.client.insert_many", {"docs": {"a": 1}}, 417, "ValidationError", "docs must be a list of documents"),
    ("frappe.client.save", {"doc": [1]}, 417, "ValidationError", "Invalid request arguments"),
    ("frappe.client.submit", {"doc": 5}, 417, "ValidationError", "Invalid request arguments"),
    ("frappe.client.delete", {"doctype": ["ToDo"], "name": "x"}, 417, "FrappeTypeError",
     "Argument 'doctype' should be of type 'str' but got 'list' instead."),
    ("frappe.client.bulk_update", {"docs": {"a": 1}}, 417, "ValidationError", "docs must be a list of documents"),
    ("frappe.client.has_permission", {"doctype": "ToDo", "docname": "x", "perm_type": ["read"]}, 417,
     "FrappeTypeError", "Argument 'perm_type' should be of type 'str' but got 'list' instead."),
    ("frappe.client.validate_link", {"doctype": "ToDo", "docname": ["x"]}, 417, "FrappeTypeError",
     "Argument 'docname' should be of type 'str' but got 'list' instead."),
    ("frappe.desk.form.save.savedocs", {"doc": {"doctype": "ToDo"}, "action": ["Save"]}, 417, "FrappeTypeError",
     "Argument 'action' should be of type 'str' but got 'list' instead."),
    ("frappe.desk.reportview.get", {"doctype": "ToDo", "order_by": [1]}, 417, "ValidationError",
     "'order_by' must be a string"),
    ("frappe.desk.search.search_link", {"doctype": "ToDo", "txt": ["x"]}, 417, "FrappeTypeError",
     "Argument 'txt' should be of type 'str' but got 'list' instead."),
]
V1_RUN_DOC_METHOD = [
    ("run_doc_method", {"method": "x", "docs": [1]}, 417, "ValidationError", "'document' must be a dictionary"),
    ("run_doc_method", {"method": ["x"], "dt": "ToDo", "dn": "x"}, 417, "FrappeTypeError",
     "Argument 'method' should be of type 'str' but got 'list' instead."),
]
V2_RUN_DOC_METHOD = [
    ("run_doc_method", {"method": "x", "document": [1]}, 417, "FrappeValueError", "'document' must be a dictionary"),
    ("run_doc_method", {"method": ["x"], "document": {"doctype": "ToDo"}}, 417, "FrappeTypeError",
     "run_doc_method() missing required argument: 'method'"),
]


@pytest.mark.parametrize(("method", "payload", "status", "exc_type", "message"), CASES,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)])
def test_wrong_argument_types_are_frappe_errors(admin_client, rpc, todo, method, payload, status, exc_type, message):
    response = admin_client.post(rpc.url(method), payload, format="json")

    assert response.status_code == status
    assert body(response) == rpc.error(exc_type, message)


@pytest.mark.parametrize(("version", "cases"), [("v1", V1_RUN_DOC_METHOD), ("v2", V2_RUN_DOC_METHOD)])
def test_wrong_run_doc_method_arguments(admin_client, todo, version, cases):
    from tests.api.rpc_support import Rpc

    rpc = Rpc(version)
    for method, payload, status, exc_type, message in cases:
        response = admin_client.post(rpc.url(method), payload, format="json")

        assert (response.status_code, body(response)) == (status, rpc.error(exc_type, message))
