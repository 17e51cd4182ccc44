"""Digests of built values (pickled), and reuse of what an earlier build made from equal ones."""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import pickle
from operator import attrgetter
from typing import Callable


def digest_of(value: object) -> str:
    """A hash of value as pickle writes it: values equal but of other types (True and 1, 1 and
    1.0) differ; equal dicts filled in another order differ too (a digest that differs only
    costs a recomputation). value holds no cycle."""
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=5)
    pickler.dispatch_table = _REDUCERS
    # No memo: an object met twice is written twice, so equal values pickle alike whether or not
    # they share objects (a URL that is one string in one build, two in the next). Views hold no cycles.
    pickler.fast = True
    pickler.dump(value)
    return hashlib.sha256(stream.getbuffer()).hexdigest()


class _Reducers(dict):
    """copyreg's reducers, and for a dataclass with slots one that takes its fields in one C call
    (its generated __getstate__ costs ~4x more): what the digests spend most of their time on."""

    def __missing__(self, kind: type):
        names = getattr(kind, "__slots__", None)
        if not (dataclasses.is_dataclass(kind) and isinstance(names, tuple) and names):
            raise KeyError(kind)
        get = slot_values(kind)
        self[kind] = reducer = lambda obj: (kind, get(obj))
        return reducer


def slot_values(kind: type) -> Callable[[object], tuple]:
    """A function giving an object of kind (a class with __slots__) its slots' values as a tuple, in one C call."""
    get = attrgetter(*kind.__slots__)
    return get if len(kind.__slots__) > 1 else (lambda obj: (get(obj),))


_REDUCERS = _Reducers(copyreg.dispatch_table)


class Same:
    """An object in a Remembered's inputs that counts as unchanged only if it is the same object
    (== of two views would call True and 1 in their values the same)."""

    __slots__ = ("value",)

    def __init__(self, value: object):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value

    __hash__ = None


class Remembered:
    """What make() returned in the last build for a name, kept while it is made from the same
    object and equal other inputs (`dossier serve` keeps memo between builds; None: always make)."""

    def __init__(self, memo: dict | None):
        self.memo = memo
        self.names: set[str] = set()

    def __call__(self, name: str, source: object, inputs: object, make: Callable[[], object]):
        self.names.add(name)
        if self.memo is None:
            return make()
        last = self.memo.get(name)
        if last is not None and last[0] is source and last[1] == inputs:
            return last[2]
        made = make()
        self.memo[name] = (source, inputs, made)
        return made

    def forget_others(self) -> None:
        """Forget what was made for names this build did not ask for."""
        if self.memo is not None:
            for gone in set(self.memo) - self.names:
                del self.memo[gone]
