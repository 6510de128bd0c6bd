import json
import pytest
from tests.factories import make_doctype
from django_frappe_api import document

def show(r):
    print(r.status_code, r.content.decode()[:1500])

@pytest.fixture
def task(db):
    make_doctype("Task Item", [
        {"fieldname": "item", "fieldtype": "Data", "reqd": 1},
        {"fieldname": "qty", "fieldtype": "Int"},
        {"fieldname": "rate", "fieldtype": "Currency"},
        {"fieldname": "due", "fieldtype": "Date"},
    ], istable=1)
    return make_doctype("Task", [
        {"fieldname": "title", "fieldtype": "Data"},
        {"fieldname": "status", "fieldtype": "Data"},
        {"fieldname": "qty", "fieldtype": "Int"},
        {"fieldname": "amount", "fieldtype": "Currency"},
        {"fieldname": "done", "fieldtype": "Check"},
        {"fieldname": "due", "fieldtype": "Date"},
        {"fieldname": "at", "fieldtype": "Datetime"},
        {"fieldname": "tm", "fieldtype": "Time"},
        {"fieldname": "todo", "fieldtype": "Link", "options": "ToDo"},
        {"fieldname": "items", "fieldtype": "Table", "options": "Task Item"},
    ], autoname="Prompt", permissions=[{"role": "System Manager"}], sort_field="modified", sort_order="DESC")

def test_explore(admin_client, admin_user, todo, task):
    t = document.insert_doc("ToDo", {"description": "hello"}, user=admin_user)
    show(admin_client.post("/api/resource/Task", {"name": "A/B c é", "title": "x", "amount": "12.5", "at": "2024-05-10 14:00:00", "tm": "9:05", "todo": t["name"],
        "items": [{"item": "i1", "qty": 2, "rate": 1.5}, {"item": "i2", "qty": 3, "due": "2024-06-01"}]}, format="json"))
    show(admin_client.post("/api/resource/Task", {"name": "B", "status": "", "qty": None, "amount": None}, format="json"))
    show(admin_client.get("/api/resource/Task/A%2FB%20c%20%C3%A9"))
    show(admin_client.get("/api/resource/Task/A/B c é/"))
    show(admin_client.get("/api/resource/Task/A/B c é", {"expand_links": "true"}))
    show(admin_client.get("/api/resource/Task", {"fields": '["name", "items.item", "items.qty as q", "todo.description as d"]'}))
    show(admin_client.get("/api/resource/Task", {"fields": '["name"]', "filters": '[["Task Item", "item", "=", "i2"]]'}))
    show(admin_client.get("/api/resource/Task", {"fields": '["name"]', "filters": '{"item": "i2"}'}))
    show(admin_client.get("/api/resource/Task", {"fields": '["name", "todo"]', "expand": '["todo"]'}))
    show(admin_client.get("/api/resource/Task", {"fields": '["sum(amount) as total", "count(name) as n", "avg(qty) as a", "min(due) as m", "max(at) as mx"]'}))
    show(admin_client.get("/api/resource/Task", {"fields": '["status", "count(name) as n"]', "group_by": "status", "order_by": "n desc"}))
    show(admin_client.get("/api/resource/Task", {"fields": '["name", "amount", "tm", "at", "done", "qty"]', "order_by": "amount asc"}))
    show(admin_client.put("/api/resource/Task/B", "title=new&qty=5", content_type="application/x-www-form-urlencoded"))
    show(admin_client.put("/api/resource/Task/B", {"data": json.dumps({"title": "newer"})}, format="multipart"))
    show(admin_client.delete("/api/resource/Task/B", content_type="application/json"))
    show(admin_client.post("/api/resource/Task", {"name": "C", "items": [{"qty": 1}]}, format="json"))
    show(admin_client.get("/api/resource/Task", {"fields": '["name"]', "limit_page_length": "0"}))
