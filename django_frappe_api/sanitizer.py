"""HTML in text fields, sanitised on save as Frappe's ``BaseDocument._sanitize_content`` does.

Usage::

    from django_frappe_api import sanitizer
    sanitizer.sanitize_html('<p onclick="x()">Hi<script>alert(1)</script></p>')   # '<p>Hi</p>'
    sanitizer.sanitize_doc(meta, doc, keep_submitted=False)                        # every field, child rows too

The allow-lists are Frappe's (``frappe/utils/html_utils.py``: html5lib's acceptable elements and attributes,
SVG and MathML, ``data-*`` attributes, URL schemes ``cid http https mailto data``); the cleaning itself is
done by ``nh3`` (the Ammonia parser), never by regular expressions. ``<script>`` and ``<style>`` go with
their content, other unknown tags are unwrapped, comments, event handlers and ``javascript:`` URLs removed.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import nh3

from . import fieldtypes
from .meta import FieldMeta, Meta, get_meta

# Fieldtypes stored as sent (Frappe: Attach, Attach Image, Barcode, Code), and the text types whose
# ``Email`` option keeps addresses such as ``Jane <jane@example.com>`` intact.
KEPT_FIELDTYPES = frozenset({"Attach", "Attach Image", "Barcode", "Code", "Password"})
EMAIL_FIELDTYPES = frozenset({"Data", "Small Text", "Text"})



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ELEMENTS = _words("""
    a abbr acronym address area article aside audio b big blockquote br button canvas caption center cite code
    col colgroup command datagrid datalist dd del details dfn dialog dir div dl dt em event-source fieldset
    figcaption figure footer font form header h1 h2 h3 h4 h5 h6 hr i img input ins keygen kbd label legend li
    m map mark menu meter multicol nav nextid ol output optgroup option p pre progress q s samp section select
    small sound source spacer span strike strong sub summary sup table tbody td textarea time tfoot th thead tr
    tt u ul var video meta link
""")
_MATHML_ELEMENTS = _words("""
    maction math merror mfrac mi mmultiscripts mn mo mover mpadded mphantom mprescripts mroot mrow mspace msqrt
    mstyle msub msubsup msup mtable mtd mtext mtr munder munderover none
""")
_SVG_ELEMENTS = _words("""
    animate animateColor animateMotion animateTransform clipPath circle defs desc ellipse font-face
    font-face-name font-face-src g glyph hkern linearGradient line marker metadata missing-glyph mpath path
    polygon polyline radialGradient rect set stop svg switch text title tspan use
""")
_ATTRIBUTES = _words("""
    abbr accept accept-charset accesskey action align alt autocomplete autofocus axis background balance
    bgcolor bgproperties border bordercolor bordercolordark bordercolorlight bottompadding cellpadding
    cellspacing ch challenge char charoff choff charset checked cite class clear color cols colspan compact
    content contenteditable controls coords data datafld datapagesize datasrc datetime default delay dir
    disabled draggable dynsrc enctype end face for form frame galleryimg gutter headers height hidefocus hidden
    high href hreflang hspace icon id inputmode ismap keytype label leftspacing lang list longdesc loop
    loopcount loopend loopstart low lowsrc max maxlength media method min multiple name nohref noshade nowrap
    open optimum pattern ping point-size poster pqg preload prompt radiogroup readonly rel repeat-max
    repeat-min replace required rev rightspacing rows rowspan rules scope selected shape size span src start
    step style summary suppress tabindex target template title toppadding type unselectable usemap urn valign
    value variable volume vspace vrml width wrap xml:lang role frameborder allowfullscreen spellcheck itemprop
    itemscope itemtype itemid itemref http-equiv emogrify
""")
_SVG_ATTRIBUTES = _words("""
    accent-height accumulate additive alphabetic arabic-form ascent attributeName attributeType baseProfile
    bbox begin by calcMode cap-height class clip-path color color-rendering content colwidth cx cy d dx dy
    descent display dur end fill fill-opacity fill-rule font-family font-size font-stretch font-style
    font-variant font-weight from fx fy g1 g2 glyph-name gradientUnits hanging height horiz-adv-x
    horiz-origin-x id ideographic k keyPoints keySplines keyTimes lang marker-end marker-mid marker-start
    markerHeight markerUnits markerWidth mathematical max min name offset opacity orient origin
    overline-position overline-thickness panose-1 path pathLength points preserveAspectRatio r refX refY
    repeatCount repeatDur requiredExtensions requiredFeatures restart rotate rx ry slope stemh stemv stop-color
    stop-opacity strikethrough-position strikethrough-thickness stroke stroke-dasharray stroke-dashoffset
    stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-width systemLanguage target
    text-anchor to transform type u1 u2 underline-position underline-thickness unicode unicode-range
    units-per-em values version viewBox visibility width widths x x-height x1 x2 xlink:actuate xlink:arcrole
    xlink:href xlink:role xlink:show xlink:title xlink:type xml:base xml:lang xml:space y y1 y2 zoomAndPan
""")
_CLEANER = nh3.Cleaner(
    tags=set(_ELEMENTS | _MATHML_ELEMENTS | _SVG_ELEMENTS),
    clean_content_tags={"script", "style"},
    attributes={"*": set(_ATTRIBUTES), "svg": set(_SVG_ATTRIBUTES)},
    # data-* (Quill's data-list, data-row ...) and xmlns* stay, as in Frappe's attribute filter.
    generic_attribute_prefixes={"data-", "xmlns"},
    url_schemes={"cid", "http", "https", "mailto", "data"},
    strip_comments=True,
    link_rel=None,  # keep links as sent: Frappe adds no rel="noopener noreferrer"
)


class _TagFinder(HTMLParser):
    """Whether a text holds an element (Frappe asks ``BeautifulSoup(html, "html.parser").find()``, which is
    this same stdlib parser): text such as ``a < b`` or a lone comment is left untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found = True


def has_tags(text: str) -> bool:
    finder = _TagFinder()
    finder.feed(text)
    finder.close()
    return finder.found


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def sanitize_html(value: Any) -> Any:
    """``value`` with unsafe markup removed; non-strings, JSON and text without tags come back unchanged."""
    if not isinstance(value, str) or ("<" not in value and ">" not in value):
        return value
    if _is_json(value) or not has_tags(value):
        return value
    return _CLEANER.clean(value)


def is_sanitized(field: FieldMeta) -> bool:
    """Whether values of this field are cleaned on save (Frappe skips ``ignore_xss_filter`` fields, the kept
    fieldtypes and Email text; Password values are hashed, never cleaned)."""
    if field.fieldtype not in fieldtypes.TEXT_TYPES or field.fieldtype in KEPT_FIELDTYPES:
        return False
    if field.properties.get("ignore_xss_filter"):
        return False
    return not (field.fieldtype in EMAIL_FIELDTYPES and field.options == "Email")


def sanitize_doc(meta: Meta, doc: dict[str, Any], *, keep_submitted: bool) -> None:
    """Clean every sanitised field of ``doc`` and of its child rows in place.

    ``keep_submitted`` is for an update of a submitted document: only ``allow_on_submit`` fields can have
    changed, so only they are cleaned (Frappe: ``docstatus.is_submitted() and not allow_on_submit``).
    """
    _sanitize_row(meta, doc, keep_submitted)
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for row in doc.get(table.fieldname) or []:
            _sanitize_row(child_meta, row, keep_submitted)


def _sanitize_row(meta: Meta, row: dict[str, Any], keep_submitted: bool) -> None:
    for field in meta.data_fields:
        if keep_submitted and not field.allow_on_submit:
            continue
        if is_sanitized(field):
            row[field.fieldname] = sanitize_html(row.get(field.fieldname))

