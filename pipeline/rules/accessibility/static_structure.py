"""Structure: headings, data tables and lists, as assistive technology navigates them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import Tag

from pipeline.rules.accessibility.dom import Page, attr, text_of
from pipeline.rules.accessibility.issues import Issue, Settings, static_check

_BULLET = re.compile(r"^\s*([•·▪◦‣∙*–—-]|\(?\d{1,2}[.)])\s+\S")
_LIST_CHILDREN = {"li", "script", "template"}


def heading_level(page: Page, el: Tag) -> int | None:
    if page.role(el) != "heading":
        return None
    level = (attr(el, "aria-level") or "").strip()
    if level.isdigit() and int(level) > 0:
        return int(level)
    return int(el.name[1]) if re.fullmatch(r"h[1-6]", el.name) else 2


def _headings(page: Page) -> list[tuple[Tag, int]]:
    found = []
    for el in page.elements:
        level = heading_level(page, el)
        if level is not None and not page.is_excluded(el):
            found.append((el, level))
    return found


@static_check
def heading_empty(page: Page, _: Settings) -> Iterator[Issue]:
    for el, _level in _headings(page):
        if not page.name(el):
            yield Issue(
                "AX022",
                el,
                "The heading is empty.",
                suggestion="Write the heading's words, or remove the empty heading element.",
            )


@static_check
def heading_one(page: Page, _: Settings) -> Iterator[Issue]:
    if not page.is_html_document:
        return
    ones = [el for el, level in _headings(page) if level == 1]
    if not ones:
        body = page.soup.find("body")
        yield Issue(
            "AX020",
            body if isinstance(body, Tag) else None,
            "The page has no main heading (<h1>).",
            suggestion="Start the article with one <h1> that says what the page is about.",
        )
    for el in ones[1:]:
        yield Issue(
            "AX020",
            el,
            f"The page has {len(ones)} main headings (<h1>); it should have one.",
            suggestion="Keep one <h1> for the article's title; make the others <h2>.",
        )


@static_check
def heading_order(page: Page, _: Settings) -> Iterator[Issue]:
    previous = 0
    for el, level in _headings(page):
        if previous and level > previous + 1:
            yield Issue(
                "AX021",
                el,
                f"The heading jumps from level {previous} to level {level}.",
                suggestion=f"Use an <h{previous + 1}> here so no level is skipped.",
            )
        previous = level


# --- tables --------------------------------------------------------------------------
def _rows(table: Tag) -> list[Tag]:
    """Rows of this table, not of tables nested in it."""
    return [tr for tr in table.find_all("tr") if nearest_table(tr) is table]


def nearest_table(el: Tag) -> Tag | None:
    node = el.parent
    while isinstance(node, Tag) and node.name != "table":
        node = node.parent
    return node if isinstance(node, Tag) else None


def _grid(table: Tag) -> list[list[Tag | None]]:
    """The table's cells by row and column, with colspan and rowspan expanded (HTML table model)."""
    grid: list[list[Tag | None]] = []
    for r, tr in enumerate(_rows(table)):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            colspan = _span(cell, "colspan", 1000)
            rowspan = _span(cell, "rowspan", 65534) or len(_rows(table)) - r
            for dr in range(min(rowspan, 1000)):
                while len(grid) <= r + dr:
                    grid.append([])
                row = grid[r + dr]
                while len(row) < c + colspan:
                    row.append(None)
                for dc in range(colspan):
                    row[c + dc] = cell
            c += colspan
    return grid


def _span(cell: Tag, name: str, limit: int) -> int:
    raw = (attr(cell, name) or "1").strip()
    return min(int(raw), limit) if raw.isdigit() else 1


@static_check
def table_headers(page: Page, _: Settings) -> Iterator[Issue]:
    for table in page.tags("table"):
        if page.role(table) not in ("table", "grid", "treegrid") or page.is_excluded(table):
            continue
        rows = _rows(table)
        widths = [len(tr.find_all(["td", "th"], recursive=False)) for tr in rows]
        if len(rows) < 2 or max(widths, default=0) < 2:
            continue  # one row or one column: a layout device more than a data table
        has_headers = any(
            cell.name == "th" or page.role(cell) in ("columnheader", "rowheader")
            for tr in rows
            for cell in tr.find_all(["td", "th"], recursive=False)
        )
        if not has_headers:
            yield Issue(
                "AX030",
                table,
                "The data table has no header cells (<th>).",
                suggestion='Mark the first row (or column) of headings up as <th scope="col">.',
            )


@static_check
def table_headers_attribute(page: Page, _: Settings) -> Iterator[Issue]:
    for cell in page.elements:
        if cell.name not in ("td", "th") or attr(cell, "headers") is None:
            continue
        table = nearest_table(cell)
        if not isinstance(table, Tag) or page.role(table) not in ("table", "grid", "treegrid"):
            continue
        if page.is_excluded(table) or page.is_offscreen(table):
            continue
        ids = (attr(cell, "headers") or "").split()
        if not ids:
            continue
        cells = {id(c) for row in _grid(table) for c in row if c is not None}
        bad = [i for i in ids if (t := page.element_by_id(i)) is None or id(t) not in cells or t is cell]
        if bad:
            yield Issue(
                "AX031",
                cell,
                'headers="' + " ".join(bad) + '" does not point to a header cell of this table.',
                suggestion="Point headers at the ids of <th> cells in the same table.",
            )


@static_check
def header_cells_have_data(page: Page, _: Settings) -> Iterator[Issue]:
    for table in page.tags("table"):
        if page.role(table) not in ("table", "grid", "treegrid") or page.is_excluded(table):
            continue
        grid = _grid(table)
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if (
                    cell is None
                    or (c and row[c - 1] is cell)
                    or (r and c < len(grid[r - 1]) and grid[r - 1][c] is cell)
                ):
                    continue  # not the cell's first slot
                if (
                    cell.name != "th"
                    or page.role(cell) not in ("columnheader", "rowheader")
                    or page.is_excluded(cell)
                ):
                    continue
                if not _has_data_cells(page, grid, r, c, cell):
                    yield Issue(
                        "AX032",
                        cell,
                        "The header cell labels no data cells.",
                        suggestion="Remove the empty header, or use <td> if it is not a header.",
                    )


def _has_data_cells(page: Page, grid: list[list[Tag | None]], r: int, c: int, header: Tag) -> bool:
    ident = attr(header, "id")
    if ident and any(
        ident in (attr(x, "headers") or "").split() for row in grid for x in row if x is not None
    ):
        return True
    scope = page.role(header)
    if scope == "rowheader":
        slots = [x for x in grid[r] if x is not None]
    else:
        slots = [x for row in grid if c < len(row) and (x := row[c]) is not None]
    # Any other cell the header spans over counts, header cells included (HTML's header assignment).
    return any(x is not header and not page.is_excluded(x) for x in slots)


# --- lists ---------------------------------------------------------------------------
@static_check
def fake_lists(page: Page, _: Settings) -> Iterator[Issue]:
    """Bullets typed as characters: lines or paragraphs in a row that start with •, -, 1. and so on."""
    holds_blocks: set[int] = set()  # elements with a block inside: one pass instead of a search each
    for block in page.elements:
        if block.name in ("p", "div", "ul", "ol", "table"):
            for anc in block.parents:
                if id(anc) in holds_blocks:
                    break  # its ancestors were marked with it
                holds_blocks.add(id(anc))
    for el in page.elements:
        if el.name not in ("p", "div") or id(el) in holds_blocks or page.is_hidden(el):
            continue
        lines = [text_of(line) for line in _br_lines(el) if text_of(line)]
        if len(lines) >= 2 and sum(bool(_BULLET.match(line)) for line in lines) >= 2:
            yield Issue(
                "AX035",
                el,
                "These lines look like a list but are not marked up as one.",
                suggestion="Use <ul><li> (or <ol> for steps) so screen readers announce a list.",
            )
        elif len(lines) == 1 and _bulleted(el, el.name) and _starts_run(el):
            yield Issue(
                "AX035",
                el,
                "These paragraphs look like a list but are not marked up as one.",
                suggestion="Use <ul><li> (or <ol> for steps) so screen readers announce a list.",
            )


def _bulleted(el: object, name: str) -> bool:
    return isinstance(el, Tag) and el.name == name and bool(_BULLET.match(el.get_text()))


def _starts_run(el: Tag) -> bool:
    """The first of two or more sibling paragraphs that each start with a bullet."""
    return _bulleted(el.find_next_sibling(), el.name) and not _bulleted(el.find_previous_sibling(), el.name)


def _br_lines(el: Tag) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    for node in el.children:
        if isinstance(node, Tag) and node.name == "br":
            lines.append("".join(current))
            current = []
        else:
            current.append(node.get_text() if isinstance(node, Tag) else str(node))
    lines.append("".join(current))
    return lines


@static_check
def list_structure(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if el.name in ("ul", "ol") and not attr(el, "role") and not page.is_excluded(el):
            stray = [
                c
                for c in el.children
                if isinstance(c, Tag)
                and c.name not in _LIST_CHILDREN
                and not (page.role(c) == "listitem" or attr(c, "role") in ("none", "presentation"))
            ]
            if stray:
                yield Issue(
                    "AX036",
                    el,
                    f"The list holds a <{stray[0].name}> directly; lists may only hold <li>.",
                    suggestion="Wrap each item in <li>.",
                )
        elif el.name == "li" and not attr(el, "role") and not page.is_excluded(el):
            parent = el.parent
            if not (
                isinstance(parent, Tag)
                and (parent.name in ("ul", "ol", "menu") or page.role(parent) == "list")
            ):
                yield Issue(
                    "AX036",
                    el,
                    "The list item (<li>) is not inside a <ul> or <ol>.",
                    suggestion="Put the <li> elements inside a <ul> or <ol>.",
                )
