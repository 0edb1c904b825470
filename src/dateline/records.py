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

    def __setstate__(self, state) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    return cls
