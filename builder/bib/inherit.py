"""crossref and xdata as pandoc follows them: the entries they name, their loops, and what following them costs.

Pandoc copies a parent's fields into an entry by following its crossref and xdata fields
with no memory of where it has been: a loop (`@book{a, crossref = {a}}`) never ends, and a
parent whose own xdata names several entries is copied once for every combination of
their fields, which is exponential in the depth. `follow` finds the loops and counts,
without following anything twice, the copies pandoc would make for each entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from builder.bib.source import effective_field_name, field_spans, split_value
from builder.bib.values import StringTable
from builder.errors import Problem, error, warning

if TYPE_CHECKING:
    from builder.bib.catalogue import Catalogue, Source

CROSS_REFERENCES = ("crossref", "xdata")
# The most fields pandoc may copy, and the most entries it may visit (each visit searches
# every entry it was given), to give one entry what it inherits. A real entry needs a few
# dozen copies and a few visits (an @inbook in an @book in an @mvbook).
COPY_LIMIT = 10_000
VISIT_LIMIT = 100
_OVER = COPY_LIMIT + 1


@dataclass(frozen=True, slots=True)
class Link:
    """One crossref or xdata field of an entry and the keys it names, split as pandoc splits them."""

    name: str                # "crossref" or "xdata"
    index: int               # the field's index among the entry's fields
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Node:
    """An entry as inheritance sees it: how many fields it has, and its links."""

    fields: int                  # fields other than crossref and xdata
    links: tuple[Link, ...]


@dataclass
class Inheritance:
    """What following every entry's links finds."""

    # (key, its link, the parent in the loop it names, the parent's link that leads on back to key)
    loops: list[tuple[str, Link, str, Link]] = field(default_factory=list)
    missing: list[tuple[str, Link, str]] = field(default_factory=list)  # (key, link, the key no entry has)
    costly: list[tuple[str, Link]] = field(default_factory=list)        # (key, its first link): past a limit


def split_keys(text: str) -> tuple[str, ...]:
    """The keys a crossref or xdata value names: pandoc splits at spaces and commas."""
    return tuple(key for key in text.replace(",", " ").split(" ") if key)


def follow(nodes: dict[str, Node]) -> Inheritance:
    """Loops, missing parents and entries too costly to inherit for."""
    found = Inheritance()
    for key, node in nodes.items():
        for link in node.links:
            found.missing += [(key, link, parent) for parent in link.keys if parent not in nodes]
    cost: dict[str, tuple[int, int]] = {}
    looping: set[str] = set()
    for component in _components(nodes):     # each after every component its members inherit from
        if len(component) > 1 or any(component[0] in link.keys for link in nodes[component[0]].links):
            looping.update(component)
            found.loops += _loop_links(nodes, set(component))
        for key in component:
            if key in looping or any(p in looping for link in nodes[key].links for p in link.keys):
                looping.add(key)
            else:
                cost[key] = _nested_cost(nodes[key], cost)
    for key, node in nodes.items():
        if key in looping or not node.links:
            continue
        if _too_costly(node, cost) and not any(_too_costly(nodes[parent], cost) for link in node.links
                                               for parent in link.keys if parent in nodes):
            found.costly.append((key, node.links[0]))   # the first entry of a chain to pass the limit
    return found


def _loop_links(nodes: dict[str, Node], component: set[str]) -> list[tuple[str, Link, str, Link]]:
    """Each link inside a loop, with the link its parent leads on by."""
    def onward(key: str) -> Link:
        return next(link for link in nodes[key].links if any(p in component for p in link.keys))

    loops = []
    for key in component:
        for link in nodes[key].links:
            parent = next((p for p in link.keys if p in component), None)
            if parent is not None:
                loops.append((key, link, parent, onward(parent)))
    return loops


def _too_costly(node: Node, cost: dict[str, tuple[int, int]]) -> bool:
    """Whether pandoc, resolving each parent an entry names (once, however often), passes a limit."""
    copies = visits = 0
    for link in node.links:
        for parent in dict.fromkeys(link.keys):
            parent_copies, parent_visits = cost.get(parent, (0, 0))
            copies, visits = copies + parent_copies, visits + parent_visits
    return copies > COPY_LIMIT or visits > VISIT_LIMIT


def _nested_cost(node: Node, cost: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(fields copied, entries visited) resolving an entry as a parent. Pandoc copies its own
    fields and, for each of its links, one set of fields per combination of the entries the
    link names (a product), once per entry named; it visits each entry named once per path."""
    copies, visits = node.fields, 1
    for link in node.links:
        product = 1
        for parent in link.keys:
            parent_copies, parent_visits = cost.get(parent, (0, 0))
            product = min(product * parent_copies, _OVER)
            visits = min(visits + parent_visits, _OVER)
        copies = min(copies + len(link.keys) * product, _OVER)
    return copies, visits


def _children(node: Node):
    return (parent for link in node.links for parent in link.keys)


def _components(nodes: dict[str, Node]) -> list[list[str]]:
    """The strongly connected components of the links (Tarjan's algorithm, without recursion),
    each after every component its members link to."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, _children(nodes[root]))]
        while work:
            key, children = work[-1]
            parent = next(children, None)
            if parent is not None:
                if parent not in nodes:
                    continue
                if parent not in index:
                    index[parent] = low[parent] = len(index)
                    stack.append(parent)
                    on_stack.add(parent)
                    work.append((parent, _children(nodes[parent])))
                elif parent in on_stack:
                    low[key] = min(low[key], index[parent])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[key])
            if low[key] == index[key]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == key:
                        break
                components.append(component)
    return components


def inheritance_problems(cat: Catalogue, withheld: set[str]) -> list[Problem]:
    """Loops and costly chains through crossref and xdata (errors), and the entries they name that do not exist."""
    nodes: dict[str, Node] = {}
    for key, sources in cat.entries.items():
        if key:
            nodes[key] = _node(sources[-1], cat.strings)     # a key defined twice: pandoc reads the last
    found = follow(nodes)
    withheld.update(key for key, *_ in found.loops)
    withheld.update(key for key, _ in found.costly)

    spans: dict[str, list] = {}

    def at(key: str, link: Link) -> tuple[str, int, int]:
        source = cat.entries[key][-1]
        if key not in spans:
            spans[key] = field_spans(source.bib, source.block)
        return (source.bib.path, *source.bib.position(spans[key][link.index].name_offset))

    problems = [warning(*at(key, link), f"{link.name} names '{parent}', which no entry has")
                for key, link, parent in found.missing]
    for key, link, parent, onward in found.loops:
        if parent == key:
            problems.append(error(*at(key, link), f"{link.name} makes a loop: '{key}' inherits from itself"))
        else:
            where = ":".join(str(part) for part in at(parent, onward))
            problems.append(error(*at(key, link), f"{link.name} makes a loop: '{key}' inherits from '{parent}', "
                                                  f"whose {onward.name} at {where} leads back to '{key}'"))
    problems += [error(*at(key, link), f"{link.name}: '{key}' inherits through too many crossref and xdata links "
                                       f"(pandoc would copy more than {COPY_LIMIT:,} fields or visit more than "
                                       f"{VISIT_LIMIT} entries)")
                 for key, link in found.costly]
    return problems


def _node(source: Source, strings: StringTable) -> Node:
    """An entry's crossref and xdata links, their values read as pandoc reads them (@strings expanded)."""
    links, others = [], 0
    fields = source.block.block.fields
    names = [(effective_field_name(item.key) or "").lower() for item in fields]
    for index, (item, name) in enumerate(zip(fields, names)):
        if name not in CROSS_REFERENCES:
            others += 1
            continue
        if name in names[index + 1:]:
            continue        # set twice: pandoc reads the last value
        pieces = split_value(item.value)
        text = strings.text(strings.expansion(pieces)) if pieces is not None else item.value
        links.append(Link(name, index, split_keys(text)))
    return Node(others, tuple(links))
