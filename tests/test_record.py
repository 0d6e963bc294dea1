"""scanner.record: the hook path's stand-in for dataclasses."""
import pickle

import pytest

from scanner.record import Factory, fields, record, replace


@record
class Base:
    name: str
    count: int = 0
    notes: list = Factory(list)


@record(hidden=("token",))
class Child(Base):
    token: str = ""


@record(frozen=True)
class Point:
    x: int
    y: int = 0


def test_positional_keyword_and_default_values():
    assert fields(Child) == ("name", "count", "notes", "token")
    item = Child("a", token="t")
    assert (item.name, item.count, item.notes, item.token) == ("a", 0, [], "t")
    assert Base("a").notes is not Base("a").notes  # a fresh default each time
    with pytest.raises(TypeError):
        Base()


def test_equality_repr_and_replace():
    item = Child("a", 2, token="secret-value")
    assert item == Child("a", 2, token="secret-value") and item != Base("a", 2)
    assert "secret-value" not in repr(item) and "count=2" in repr(item)
    changed = replace(item, count=3)
    assert (changed.count, changed.token, type(changed)) == (3, "secret-value", Child)
    with pytest.raises(TypeError):
        replace(item, missing=1)


def test_frozen_records_hash_and_refuse_assignment_but_pickle():
    point = Point(1, 2)
    assert hash(point) == hash(Point(1, 2)) and {point, Point(1, 2)} == {point}
    with pytest.raises(AttributeError):
        point.x = 5
    assert pickle.loads(pickle.dumps(point)) == point
