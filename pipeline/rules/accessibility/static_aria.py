"""ARIA: valid roles, attributes and values, required and permitted ones, and the tree they build."""

from __future__ import annotations

from collections.abc import Iterator

from bs4 import Tag

from pipeline.rules.accessibility.aria import aria, value_problem
from pipeline.rules.accessibility.dom import Page, attr
from pipeline.rules.accessibility.issues import Issue, Settings, static_check

_NAMING = ("aria-label", "aria-labelledby", "aria-braillelabel")
_ID_REFERENCES = (
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-activedescendant",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
)


def _aria_attributes(el: Tag) -> list[str]:
    return [a for a in el.attrs if a.startswith("aria-")]


@static_check
def role_valid(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        role = attr(el, "role")
        if role is None or not role.strip() or page.is_excluded(el):
            continue
        if page.explicit_role(el) is None:
            yield Issue(
                "AX060",
                el,
                f'role="{role.strip()}" is not a WAI-ARIA role.',
                suggestion="Use a role defined in WAI-ARIA 1.2 (check the spelling), or remove it.",
            )


@static_check
def attributes_defined(page: Page, _: Settings) -> Iterator[Issue]:
    known = aria().attributes
    for el in page.elements:
        unknown = [a for a in _aria_attributes(el) if a not in known]
        if unknown:
            yield Issue(
                "AX061",
                el,
                f"{unknown[0]} is not a WAI-ARIA attribute.",
                suggestion="Check the spelling against WAI-ARIA 1.2, or remove the attribute.",
            )


@static_check
def attribute_values(page: Page, _: Settings) -> Iterator[Issue]:
    known = aria().attributes
    ids = set(page.by_id)
    for el in page.elements:
        for name in _aria_attributes(el):
            value = attr(el, name) or ""
            spec = known.get(name)
            if spec is None or not value.strip():
                continue
            problem = value_problem(spec, value, ids)
            if problem:
                yield Issue(
                    "AX062",
                    el,
                    f'{name}="{value}": the value {problem}.',
                    suggestion=f"Give {name} a value WAI-ARIA allows.",
                )
                break


@static_check
def required_attributes(page: Page, _: Settings) -> Iterator[Issue]:
    roles = aria().roles
    for el in page.elements:
        role = page.explicit_role(el)
        if role is None or role == page.implicit_role(el) or page.is_excluded(el) or page.role(el) != role:
            continue
        required = list(roles[role].required)
        if role == "separator":  # only a focusable separator is a widget, with a value
            required = ["aria-valuenow"] if page.is_focusable(el) else []
        missing = [a for a in required if not (attr(el, a) or "").strip() and not _native_state(el, a)]
        if missing:
            yield Issue(
                "AX063",
                el,
                f'role="{role}" needs ' + ", ".join(missing) + ".",
                suggestion=f"Add {missing[0]} and keep it up to date with the widget's state.",
            )


def _native_state(el: Tag, attribute: str) -> bool:
    """Native HTML that already provides the state, e.g. a checkbox input's checkedness."""
    kind = (attr(el, "type") or "").lower()
    if attribute == "aria-checked":
        return el.name == "input" and kind in ("checkbox", "radio")
    if attribute in ("aria-valuenow",):
        return el.name in ("input", "meter", "progress") and (
            el.name != "input" or kind in ("range", "number")
        )
    if attribute == "aria-level":
        return el.name in ("h1", "h2", "h3", "h4", "h5", "h6")
    if attribute == "aria-expanded":
        return el.name == "select"
    return False


@static_check
def attributes_allowed(page: Page, _: Settings) -> Iterator[Issue]:
    data = aria()
    for el in page.elements:
        names = [a for a in _aria_attributes(el) if a in data.attributes and not data.attributes[a].is_global]
        if not names or page.is_excluded(el):
            continue
        role = page.role(el)
        for name in names:
            if not data.allowed_on(name, role) and not _native_allows(el, name):
                where = f'role "{role}"' if role else f"a <{el.name}> element"
                yield Issue(
                    "AX064",
                    el,
                    f"{name} is not allowed on {where}.",
                    suggestion=f"Remove {name}, or give the element a role that supports it.",
                )
                break


def _native_allows(el: Tag, name: str) -> bool:
    """ARIA in HTML permits some states on elements whose native semantics have them."""
    if name in (
        "aria-required",
        "aria-readonly",
        "aria-invalid",
        "aria-errormessage",
        "aria-autocomplete",
        "aria-placeholder",
        "aria-multiline",
        "aria-activedescendant",
    ):
        return el.name in ("input", "select", "textarea")
    return False


@static_check
def prohibited_attributes(page: Page, _: Settings) -> Iterator[Issue]:
    roles = aria().roles
    for el in page.elements:
        present = [a for a in _aria_attributes(el) if (attr(el, a) or "").strip()]
        if not present or page.is_excluded(el):
            continue
        role = page.role(el) or "generic"
        spec = roles.get(role)
        prohibited: list[str] = []
        if spec is not None and spec.name_from == "prohibited":
            prohibited = [a for a in present if a in _NAMING]
            if role in ("generic", "none", "presentation"):
                prohibited += [
                    a for a in present if a in ("aria-roledescription", "aria-brailleroledescription")
                ]
        if "aria-brailleroledescription" in present and "aria-roledescription" not in present:
            prohibited.append("aria-brailleroledescription")
        if prohibited:
            yield Issue(
                "AX065",
                el,
                f'{prohibited[0]} is not allowed on role "{role}".',
                suggestion="Move the label to an element that can be named, or give it a suitable role.",
            )


# --- the accessibility tree -------------------------------------------------------------
def _ignored(page: Page, el: Tag) -> bool:
    """Elements assistive technologies skip when they build parents and children."""
    role = page.role(el)
    if role in ("none", "presentation"):
        return True
    if role is None:
        return not any(
            (s := aria().attributes.get(a)) is not None and s.is_global for a in _aria_attributes(el)
        ) and not page.is_focusable(el)
    return False


def _owner(page: Page, el: Tag) -> Tag | None:
    ident = attr(el, "id")
    if not ident:
        return None
    for candidate in page.elements:
        if ident in (attr(candidate, "aria-owns") or "").split():
            return candidate
    return None


def accessibility_parent(page: Page, el: Tag) -> Tag | None:
    node: Tag | None = el
    while node is not None:
        owner = _owner(page, node) if page.has_owns else None
        parent = owner if owner is not None else node.parent
        if not isinstance(parent, Tag) or parent.name == "[document]":
            return None
        if not _ignored(page, parent):
            return parent
        node = parent
    return None


def accessibility_children(page: Page, el: Tag) -> list[Tag]:
    out: list[Tag] = []
    direct = [c for c in el.children if isinstance(c, Tag)] + page.idrefs(el, "aria-owns")
    for child in direct:
        if page.is_excluded(child):
            continue
        if page.role(child) in ("none", "presentation"):
            out.extend(accessibility_children(page, child))
        else:
            out.append(child)
    return out


@static_check
def required_context(page: Page, _: Settings) -> Iterator[Issue]:
    roles = aria().roles
    for el in page.elements:
        role = page.explicit_role(el)
        if role is None or page.role(el) != role or not roles[role].context or page.is_excluded(el):
            continue
        if page.implicit_role(el) == role:
            continue  # native HTML (an <li> in a <ul>) is checked by the list rules
        parent = accessibility_parent(page, el)
        parent_role = page.role(parent) if parent is not None else None
        if parent_role not in roles[role].context:
            needed = " or ".join(roles[role].context)
            yield Issue(
                "AX066",
                el,
                f'role="{role}" must be inside an element with role {needed}.',
                suggestion=f"Put it inside a {roles[role].context[0]}, or use a role that stands alone.",
            )


_GROUPS_IN = {"menu": "menubar", "menubar": "menu", "tree": "tree", "listbox": "listbox"}

# The children HTML's content model gives each native container (HTML Living Standard, "Content
# model" of table, thead/tbody/tfoot, tr, ul/ol/menu, select, optgroup, datalist). A child the
# parser puts there with no role attribute of its own is the native structure, and is valid
# (WCAG technique H39 for <caption>, H51 for table markup); axe-core checks only explicit roles.
_SCRIPT_SUPPORTING = frozenset({"script", "template"})
_NATIVE_CHILDREN: dict[str, frozenset[str]] = {
    "table": frozenset({"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}),
    "thead": frozenset({"tr"}),
    "tbody": frozenset({"tr"}),
    "tfoot": frozenset({"tr"}),
    "tr": frozenset({"td", "th"}),
    "ul": frozenset({"li"}),
    "ol": frozenset({"li"}),
    "menu": frozenset({"li"}),
    "select": frozenset({"option", "optgroup", "hr"}),
    "optgroup": frozenset({"option"}),
    "datalist": frozenset({"option"}),
}


def native_child(page: Page, parent: Tag, child: Tag) -> bool:
    """`child` is part of `parent`'s own HTML structure: allowed there by the content model, and
    neither element changes its role with a role attribute that differs from the native one."""
    if child.parent is not parent or child.has_attr("role"):
        return False
    if page.explicit_role(parent) not in (None, page.implicit_role(parent)):
        return False
    return child.name in _SCRIPT_SUPPORTING or child.name in _NATIVE_CHILDREN.get(parent.name, frozenset())


def _required_owned(page: Page, el: Tag, role: str | None) -> tuple[str, ...]:
    """The roles `el` may own; a group inside a menu, tree or listbox owns what its container owns."""
    spec = aria().roles.get(role or "")
    if role == "group":
        parent = accessibility_parent(page, el)
        container = page.role(parent) if parent is not None else None
        while container == "group" and parent is not None:
            parent = accessibility_parent(page, parent)
            container = page.role(parent) if parent is not None else None
        if container in _GROUPS_IN:
            return (*aria().roles[container].owned, "group")
        return ()
    if spec is None:
        return ()
    return (*spec.owned, "group") if role in _GROUPS_IN else spec.owned


@static_check
def required_owned(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        role = page.role(el)
        owned = _required_owned(page, el, role)
        if not owned or page.is_excluded(el):
            continue
        if (attr(el, "aria-busy") or "").strip().lower() == "true":
            continue
        allowed = set(owned)
        for child in accessibility_children(page, el):
            child_role = page.role(child)
            if child_role not in allowed and not page.is_hidden(child) and not native_child(page, el, child):
                shown = f'role "{child_role}"' if child_role else f"a <{child.name}>"
                yield Issue(
                    "AX067",
                    el,
                    f'role "{role}" may only own ' + ", ".join(sorted(allowed)) + f", but owns {shown}.",
                    suggestion="Give each child the role its container expects, or restructure the markup.",
                )
                break


@static_check
def hidden_but_focusable(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        if (attr(el, "aria-hidden") or "").strip().lower() != "true":
            continue
        focusable = next((d for d in [el, *el.find_all(True)] if page.in_sequential_focus(d)), None)
        if focusable is not None:
            yield Issue(
                "AX068",
                el,
                "Content hidden from screen readers (aria-hidden) can still get keyboard focus.",
                suggestion='Add tabindex="-1" or disabled to the focusable elements, or remove aria-hidden.',
                data={"focusable": focusable.name},
            )


@static_check
def presentation_conflict(page: Page, _: Settings) -> Iterator[Issue]:
    for el in page.elements:
        explicit = page.explicit_role(el)
        decorative = explicit in ("none", "presentation") or (
            el.name == "img" and attr(el, "alt") == "" and not attr(el, "role")
        )
        if not decorative or page.is_excluded(el):
            continue
        if page.role(el) not in ("none", "presentation"):
            yield Issue(
                "AX069",
                el,
                "The element is marked decorative but is still exposed to screen readers.",
                suggestion="Remove its ARIA attributes and tabindex, or do not mark it decorative.",
            )


@static_check
def nested_interactive(page: Page, _: Settings) -> Iterator[Issue]:
    roles = aria().roles
    for el in page.elements:
        spec = roles.get(page.role(el) or "")
        if spec is None or not spec.presentational_children or page.is_excluded(el):
            continue
        if any(page.is_focusable(d) for d in el.find_all(True)):
            yield Issue(
                "AX070",
                el,
                "A control holds another focusable control; screen readers cannot reach it.",
                suggestion="Move the inner control out, beside the outer one.",
            )


@static_check
def duplicate_referenced_ids(page: Page, _: Settings) -> Iterator[Issue]:
    references = set(_ID_REFERENCES)
    referenced = {
        ident
        for el in page.elements
        for name in references.intersection(el.attrs)  # most elements have none of them
        for ident in (attr(el, name) or "").split()
    } | {attr(el, "for") or "" for el in page.elements if el.name == "label"}
    for ident, elements in page.by_id.items():
        if ident in referenced and len(elements) > 1:
            yield Issue(
                "AX055",
                elements[1],
                f'id="{ident}" is used {len(elements)} times, and ARIA or a label points at it.',
                suggestion="Make each id unique so the reference finds the right element.",
            )
