"""``sanitizer``: which values are cleaned and what is left of them (Frappe's ``sanitize_html`` rules)."""

from __future__ import annotations

import pytest

from django_frappe_api import sanitizer
from django_frappe_api.meta import FieldMeta


@pytest.mark.parametrize(("value", "expected"), [
    ('<p onclick="x()">Hi<script>alert(1)</script></p>', "<p>Hi</p>"),
    ("<style>p { color: red }</style><p>x</p>", "<p>x</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="vbscript:x">x</a><img src="data:image/png;base64,AA==">',
     '<a>x</a><img src="data:image/png;base64,AA==">'),
    ('<a href="mailto:a@b.c" rel="nofollow">a</a>', '<a href="mailto:a@b.c" rel="nofollow">a</a>'),
    ("<img src=x onerror=alert(1)>", '<img src="x">'),
    ('<iframe src="https://evil.example"></iframe><blink>x</blink>', "x"),
    ("<p>a<!-- hidden --></p>", "<p>a</p>"),
    ('<svg viewBox="0 0 1 1" onload="x()"><path d="M0 0"></path></svg>', '<svg viewBox="0 0 1 1"><path></path></svg>'),
    ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
    ("<!-- comment only -->", "<!-- comment only -->"),
    ('{"a": "<script>x</script>"}', '{"a": "<script>x</script>"}'),
    ("plain text", "plain text"),
    (42, 42),
    (None, None),
])
def test_sanitize_html(value, expected):
    assert sanitizer.sanitize_html(value) == expected


@pytest.mark.parametrize(("field", "cleaned"), [
    (FieldMeta("body", "Text Editor"), True),
    (FieldMeta("html", "HTML Editor"), True),
    (FieldMeta("title", "Data"), True),
    (FieldMeta("link", "Link"), True),
    (FieldMeta("code", "Code"), False),
    (FieldMeta("file", "Attach"), False),
    (FieldMeta("image", "Attach Image"), False),
    (FieldMeta("barcode", "Barcode"), False),
    (FieldMeta("secret", "Password"), False),
    (FieldMeta("email", "Data", options="Email"), False),
    (FieldMeta("emails", "Small Text", options="Email"), False),
    (FieldMeta("raw", "Text", properties={"ignore_xss_filter": 1}), False),
    (FieldMeta("count", "Int"), False),
])
def test_is_sanitized(field, cleaned):
    assert sanitizer.is_sanitized(field) is cleaned
