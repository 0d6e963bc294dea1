"""changed_lines.added_ranges: the parts of a file version its predecessor lacks, whole lines."""
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.sources.changed_lines import LINE_COMPARE_BYTES, added_ranges


def covered_lines(new: bytes, ranges) -> list[bytes]:
    return b"".join(new[start:end] for start, end, _, _ in ranges).split(b"\n")


def assert_well_formed(old: bytes, new: bytes, ranges) -> None:
    """Every line of `new` that `old` lacks lies inside a range's new lines; ranges are whole
    lines, in order, their context around their new lines."""
    offset, known = 0, set(old.split(b"\n"))
    for line in new.split(b"\n"):
        if line and line not in known:
            assert any(first <= offset and offset + len(line) <= last for _, _, first, last in ranges), line
        offset += len(line) + 1
    last_end = 0
    for start, end, first, last in ranges:
        assert last_end <= start <= first < last <= end <= len(new)
        for edge in (start, first):
            assert edge == 0 or new[edge - 1:edge] == b"\n"
        for edge in (end, last):
            assert edge == len(new) or new[edge - 1:edge] == b"\n"
        last_end = end


def numbered(count: int, prefix: bytes = b"line") -> list[bytes]:
    return [prefix + b" %d = value" % n for n in range(count)]


def test_an_edit_in_the_middle_is_that_line_with_a_line_of_context():
    lines = numbered(50)
    old = b"\n".join(lines) + b"\n"
    lines[20] = b"token = changed"
    new = b"\n".join(lines) + b"\n"
    assert covered_lines(new, added_ranges(old, new))[:3] == [lines[19], lines[20], lines[21]]


def test_edits_far_apart_are_separate_ranges_not_everything_between():
    lines = numbered(2000)  # well over LINE_COMPARE_BYTES between the two edits
    old = b"\n".join(lines)
    lines[3], lines[1990] = b"first edit", b"second edit"
    new = b"\n".join(lines)
    ranges = added_ranges(old, new)
    assert len(ranges) == 2
    assert sum(end - start for start, end, _, _ in ranges) < LINE_COMPARE_BYTES
    assert_well_formed(old, new, ranges)


def test_identical_versions_and_pure_deletions_add_almost_nothing():
    old = b"\n".join(numbered(200)) + b"\n"
    assert added_ranges(old, old) == []
    shorter = b"\n".join(numbered(100)) + b"\n"
    assert sum(last - first for _, _, first, last in added_ranges(old, shorter)) <= len(b"line 99 = value\n")


def test_a_new_file_version_from_nothing_is_all_new():
    new = b"a = 1\nb = 2\n"
    assert added_ranges(b"", new) == [(0, len(new), 0, len(new))]


line = st.sampled_from([b"", b"alpha", b"beta = 2", b"token = 'q'", b"x" * 300, b"\xff\xfe", b"gamma"])


@settings(max_examples=300, deadline=None)
@given(st.lists(line, max_size=60), st.lists(st.tuples(st.integers(0, 60), st.sampled_from("ids"), line), max_size=8),
       st.booleans())
def test_every_new_line_is_covered(old_lines, edits, newline_at_end):
    new_lines = list(old_lines)
    for position, kind, text in edits:
        position = min(position, len(new_lines))
        if kind == "i":
            new_lines.insert(position, text + b" new")
        elif kind == "d" and new_lines:
            new_lines.pop(min(position, len(new_lines) - 1))
        elif new_lines:
            new_lines[min(position, len(new_lines) - 1)] += b" edited"
    old = b"\n".join(old_lines)
    new = b"\n".join(new_lines) + (b"\n" if newline_at_end else b"")
    assert_well_formed(old, new, added_ranges(old, new))
