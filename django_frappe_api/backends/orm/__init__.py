"""Host models registered with ``register_model``: the Frappe API over existing tables.

Usage::

    from django_frappe_api import register_model
    register_model(Customer, doctype="Customer", title_field="customer_name")

One noun a module, lowest first: ``options`` (what a registration says), ``values`` (instance <-> stored
values), ``fields`` (model fields -> ``Meta``), ``backend`` (``OrmBackend``), ``registry``
(``ModelRegistry``, ``register_model``), ``identity`` (``User`` and ``Role`` over Django's users and groups).
This package imports none of them, so importing it stays cheap.
"""
