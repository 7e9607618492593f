"""WebDAV XML: parsed with defusedxml (no DTD, no entities, size-limited), built with ElementTree.

Radicale and Xandikos do the same: a request body is untrusted and may try entity expansion or
external entities; responses are ours and ElementTree writes them correctly escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.etree.ElementTree import Element, SubElement

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from calendar_bridge.errors import MalformedRequest
from server.core.i18n import _

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CS = "http://calendarserver.org/ns/"
APPLE = "http://apple.com/ns/ical/"
SAISON = "https://saison.dev/ns"
MAX_XML_BYTES = 1024 * 1024

for _prefix, _uri in (("d", DAV), ("cal", CALDAV), ("cs", CS), ("ical", APPLE), ("s", SAISON)):
    ET.register_namespace(_prefix, _uri)


def d(name: str) -> str:
    return f"{{{DAV}}}{name}"


def c(name: str) -> str:
    return f"{{{CALDAV}}}{name}"


def cs(name: str) -> str:
    return f"{{{CS}}}{name}"


def apple(name: str) -> str:
    return f"{{{APPLE}}}{name}"


def s(name: str) -> str:
    return f"{{{SAISON}}}{name}"


def parse(body: bytes) -> Element | None:
    """The root element of a request body (None if empty), or a 400 saying why not."""
    if not body.strip():
        return None
    if len(body) > MAX_XML_BYTES:
        raise MalformedRequest(
            _("XML bodies are limited to {size} KiB.", size=MAX_XML_BYTES // 1024)
        )
    try:
        root: Element = fromstring(body, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException:
        raise MalformedRequest(_("XML with a DTD or entities is refused.")) from None
    except ET.ParseError as error:
        raise MalformedRequest(_("The XML body is malformed: {error}", error=str(error))) from None
    return root


def element(tag: str, text: str | None = None, *children: Element) -> Element:
    node = Element(tag)
    if text is not None:
        node.text = text
    node.extend(children)
    return node


def href(value: str) -> Element:
    return element(d("href"), value)


def multistatus() -> Element:
    return Element(d("multistatus"))


def add_response(
    parent: Element,
    location: str,
    found: Iterable[Element] = (),
    missing: Iterable[str] = (),
    missing_status: str = "404 Not Found",
) -> Element:
    """One DAV:response with a 200 propstat for ``found`` and another for ``missing`` tags."""
    response = SubElement(parent, d("response"))
    SubElement(response, d("href")).text = location
    found = list(found)
    missing = list(missing)
    if found or not missing:
        stat = SubElement(response, d("propstat"))
        prop = SubElement(stat, d("prop"))
        prop.extend(found)
        SubElement(stat, d("status")).text = "HTTP/1.1 200 OK"
    if missing:
        stat = SubElement(response, d("propstat"))
        prop = SubElement(stat, d("prop"))
        for tag in missing:
            SubElement(prop, tag)
        SubElement(stat, d("status")).text = f"HTTP/1.1 {missing_status}"
    return response


def add_status(parent: Element, location: str, status: str) -> None:
    response = SubElement(parent, d("response"))
    SubElement(response, d("href")).text = location
    SubElement(response, d("status")).text = f"HTTP/1.1 {status}"


def serialize(root: Element) -> bytes:
    """The document as UTF-8. Carriage returns (iCalendar line ends inside calendar-data) are
    written as character references, since XML parsers turn a literal CR LF into LF."""
    text = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode()


def error_body(condition: Element | None, message: str) -> bytes:
    """A DAV:error naming the failed precondition, with a sentence for people."""
    root = Element(d("error"))
    if condition is not None:
        root.append(condition)
    SubElement(root, s("message")).text = message
    return serialize(root)
