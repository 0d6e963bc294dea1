"""Records: classes of named fields, for the modules a git hook imports.

`dataclasses` would do, but importing it costs ~5 ms (it imports `inspect`) and each class
~0.5 ms more, on a hook whose whole run is ~60 ms. `@record` builds the same three methods
(`__init__` with positional and keyword arguments, `__repr__`, `__eq__`) from the class's
annotations, and `replace` copies one with some fields changed.

    @record
    class Hit:
        path: str
        line: int = 0
        notes: list = Factory(list)    # a fresh list for each Hit
"""
from __future__ import annotations


class Factory:
    """A default made anew for each record: `Factory(list)`."""
    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def record(cls=None, *, frozen: bool = False, hidden: tuple = ()):
    """Give `cls` an __init__ over its annotated fields (in order, inherited ones first), a
    __repr__ leaving out `hidden` fields, an __eq__, and with frozen=True no assignment after
    __init__ (and a __hash__)."""
    def build(cls):
        names = [name for klass in reversed(cls.__mro__) for name in klass.__dict__.get("__annotations__", {})]
        names = list(dict.fromkeys(names))
        defaults = {**getattr(cls, "_field_defaults", {}),
                    **{name: cls.__dict__[name] for name in names if name in cls.__dict__}}
        params, body, scope = [], [], {"_set": object.__setattr__}
        for name in names:
            if isinstance(defaults.get(name), Factory):
                scope[f"_make_{name}"] = defaults[name].make
                params.append(f"{name}=None")
                body.append(f"_set(self, {name!r}, _make_{name}() if {name} is None else {name})")
            else:
                if name in defaults:
                    scope[f"_default_{name}"] = defaults[name]
                params.append(f"{name}=_default_{name}" if name in defaults else name)
                body.append(f"_set(self, {name!r}, {name})")
        for name in defaults:
            if name in cls.__dict__:
                delattr(cls, name)
        exec(f"def __init__(self, {', '.join(params)}):\n    " + "\n    ".join(body or ["pass"]), scope)
        cls.__init__ = scope["__init__"]
        cls._fields, cls._field_defaults = tuple(names), defaults
        shown = [name for name in names if name not in hidden]
        cls.__repr__ = lambda self: f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"
        cls.__eq__ = lambda self, other: values(self) == values(other) if type(other) is type(self) else NotImplemented
        cls.__hash__ = (lambda self: hash(values(self))) if frozen else None
        if frozen:
            cls.__setattr__ = frozen_setattr
        return cls

    return build if cls is None else build(cls)


def values(item) -> tuple:
    return tuple(getattr(item, name) for name in item._fields)


def frozen_setattr(self, name, value):
    raise AttributeError(f"{type(self).__name__} is frozen: cannot set {name}")


def fields(cls) -> tuple:
    return cls._fields


def replace(item, **changes):
    """A copy of a record with some fields changed (cached values dropped, as a new record)."""
    unknown = set(changes) - set(item._fields)
    if unknown:
        raise TypeError(f"{type(item).__name__} has no field {sorted(unknown)[0]}")
    return type(item)(**{name: changes.get(name, getattr(item, name)) for name in item._fields})
