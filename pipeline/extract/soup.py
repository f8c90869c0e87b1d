"""HTML into a BeautifulSoup tree, built from lxml's own tree instead of one Python call per tag.

BeautifulSoup's lxml builder receives every start tag, end tag and text run as a Python callback
and links each node as it arrives: 16 ms for an average news page, a fifth of an article's audit.
lxml builds its tree in C in under 2 ms with the same libxml2 parser; converting that tree to
BeautifulSoup's objects takes 6 ms. The result is the tree `BeautifulSoup(html, "lxml",
multi_valued_attributes=None)` gives: same nodes, string classes, attribute values and links
(tests compare the two on every corpus page and on generated markup), except that white space
outside the root element is not kept, and a boolean attribute written out in full
(`disabled="disabled"`) reads as empty, as if written `disabled`. Anything lxml refuses here
goes through BeautifulSoup's own builder.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag
from bs4.element import AttributeValueList, PageElement, XMLAttributeDict
from lxml import etree

# libxml2 fills in a valueless boolean attribute with its own name; the event stream gives "".
_BOOLEAN = frozenset(
    {
        "checked",
        "compact",
        "declare",
        "defer",
        "disabled",
        "ismap",
        "multiple",
        "nohref",
        "noresize",
        "noshade",
        "nowrap",
        "readonly",
        "selected",
    }
)
# A doctype counts only before the first element (after white space, comments, a byte order mark).
_DOCTYPE = re.compile(r"\ufeff?(?:\s|<!--.*?-->|<\?.*?>)*<!doctype", re.I | re.S)
_PROLOG_NODE = re.compile(r"<!--.*?-->|<\?.*?>", re.S)
_MAX_DEPTH = 2000
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


def parse_html(html: str) -> BeautifulSoup:
    """The page as BeautifulSoup would parse it with lxml, attribute values as written."""
    try:
        return _Converter(html).soup
    except Exception:  # noqa: BLE001 (an encoding declaration, a control character: the slower, general path)
        return BeautifulSoup(html, "lxml", multi_valued_attributes=None)


class _Converter:
    def __init__(self, html: str) -> None:
        self.soup = soup = BeautifulSoup("", "lxml", multi_valued_attributes=None)
        builder = soup.builder
        self.containers = builder.string_containers
        self.preserve = builder.preserve_whitespace_tags
        self.empty_element = builder.can_be_empty_element
        self.substitutions = builder.set_up_substitutions
        self.namespaces = {"xml": _XML_NAMESPACE}
        self.last: PageElement = soup
        html = html.removeprefix("\ufeff")  # BeautifulSoup drops a byte order mark first
        parser = etree.HTMLParser(recover=True, remove_comments=False, remove_pis=False, huge_tree=True)
        root = etree.fromstring(html, parser)
        if root is None:
            raise ValueError("no root element")
        before = list(reversed(list(root.itersiblings(preceding=True))))  # comments ahead of <html>
        top: list[etree._Element | None] = [*before, root, *root.itersiblings()]
        # libxml2 adds a default doctype to every tree; the page had one only if it says so, and
        # it goes after the comments written before it.
        info = root.getroottree().docinfo
        if info.doctype and (m := _DOCTYPE.match(html)):
            top.insert(len(_PROLOG_NODE.findall(html, 0, m.end())), None)
        for node in top:
            if node is None:
                self._link(Doctype.for_name_and_ids(info.root_name, info.public_id, info.system_url), soup)
            else:
                self._walk(node, soup)
        soup.next_element = None
        soup._most_recent_element = self.last
        if soup.contents:
            soup.contents[0].previous_element = None

    def _link(self, node: PageElement, parent: Tag) -> None:
        prev = self.last
        node.parent = parent
        node.previous_element = prev
        prev.next_element = node
        node.next_element = None
        siblings = parent.contents
        if siblings:
            node.previous_sibling = siblings[-1]
            siblings[-1].next_sibling = node
        else:
            node.previous_sibling = None
        node.next_sibling = None
        siblings.append(node)
        self.last = node

    def _text(self, data: str, parent: Tag, cls: type[NavigableString], keep_space: bool) -> None:
        # BeautifulSoup keeps one space or newline for a run of nothing but ASCII white space.
        if not keep_space and not data.strip(BeautifulSoup.ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        self._link(cls(data), parent)

    def _walk(self, root: etree._Element, parent: Tag) -> None:
        """Depth first without recursion: pages nest deeper than Python's stack allows."""
        stack: list[tuple[etree._Element, Tag, type[NavigableString], bool, bool, int]] = [
            (root, parent, NavigableString, False, False, 0)
        ]
        while stack:
            el, into, cls, keep_space, is_tail, depth = stack.pop()
            if is_tail:  # the text after an element's end tag
                self._text(el.tail or "", into, cls, keep_space)
                continue
            if isinstance(el, etree._Comment):
                self._text(el.text or "", into, Comment, keep_space)
                continue
            if isinstance(el, etree._ProcessingInstruction):
                target = str(el.target)
                self._link(ProcessingInstruction(f"{target} {el.text}" if el.text else target), into)
                continue
            if not isinstance(el.tag, str):  # entities and other node kinds BeautifulSoup does not make
                continue
            if depth >= _MAX_DEPTH:  # libxml2 cuts its tree off at 2,048 levels; its event stream does not
                raise RecursionError("nested too deep for lxml's tree")
            tag = self._tag(el, into)
            keep = keep_space or tag.name in self.preserve
            inner = self.containers.get(tag.name, cls)
            if el.text:
                self._text(el.text, tag, inner, keep)
            for child in reversed(el):
                if child.tail:
                    stack.append((child, tag, inner, keep, True, depth + 1))
                stack.append((child, tag, inner, keep, False, depth + 1))

    def _tag(self, el: etree._Element, parent: Tag) -> Tag:
        name = str(el.tag)
        attrs = XMLAttributeDict(el.attrib)
        if attrs:
            for key in _BOOLEAN.intersection(attrs):
                if attrs[key] == key:
                    attrs[key] = ""
        tag = Tag.__new__(Tag)
        # The attributes Tag.__init__ sets for a tag from BeautifulSoup's lxml HTML builder.
        state = tag.__dict__
        state.update(
            parser_class=BeautifulSoup,
            name=name,
            namespace=None,
            _namespaces=self.namespaces,
            prefix=None,
            sourceline=None,
            sourcepos=None,
            attribute_value_list_class=AttributeValueList,
            attrs=attrs,
            known_xml=False,
            contents=[],
        )
        self._link(tag, parent)
        container = self.containers.get(name)
        state.update(
            hidden=False,
            can_be_empty_element=self.empty_element(name),
            cdata_list_attributes=None,
            preserve_whitespace_tags=self.preserve,
            interesting_string_types={container} if container else Tag.MAIN_CONTENT_STRING_TYPES,
        )
        if name == "meta":
            self.substitutions(tag)  # charset values become CharsetMetaAttributeValue, as parsed
        return tag
