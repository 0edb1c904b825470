"""What the frozen records passed between stages share.

The records kept by the hundred thousand (articles, pages, terms, source files) are slotted
dataclasses, and a build saves them with its state (pickle). Python 3.11's own pickling of a
slotted dataclass asks dataclasses.fields() for every object it saves or loads, which was a third
of a body edit's rebuild at 10,000 stories; `pickled_by_fields` gives a class the same state
(its fields' values, in order) from a table made once.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter


def pickled_by_fields(cls: type) -> type:
    """Decorate a slotted dataclass (above @dataclass): pickle it as its fields' values."""
    names = tuple(field.name for field in fields(cls))
    values = attrgetter(*names)
    single = len(names) == 1

    def __getstate__(self) -> tuple:
        return (values(self),) if single else values(self)

    cls.__getstate__ = __getstate__
    cls.__setstate__ = _slot_setter(cls, names)
    return cls


def _slot_setter(cls: type, names: tuple[str, ...]):
    """__setstate__ for `names`, written out: each value stored through its slot's descriptor (a
    frozen class refuses setattr), one call a field and no loop, as a state of 100,000s of records
    loads (40% less time than a loop of object.__setattr__)."""
    setters = {f"set{n}": getattr(cls, name).__set__ for n, name in enumerate(names)}
    values = ", ".join(f"v{n}" for n in range(len(names)))
    lines = ["def __setstate__(self, state):", f"    {values}, = state"]
    lines += [f"    set{n}(self, v{n})" for n in range(len(names))]
    exec("\n".join(lines), setters)  # the code is made from the class's own field count
    return setters["__setstate__"]
