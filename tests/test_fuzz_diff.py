"""Property tests of the diff parser: any bytes parse without an exception, and a diff as git writes
it gives back exactly the names and added lines it was made from."""
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.sources.diff import FileChange, parse_patches

SETTINGS = settings(max_examples=200, deadline=None)
# Lines git could print, and lines it never would: headers, hunks, markers, garbage.
DIFF_LINES = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"diff --git a/x b/x", b"diff --cc x", b"@@ -1 +1 @@", b"@@@ -1,2 -1,2 +1,3 @@@",
                     b"@@ -a,b +c,d @@", b"@@ -1,99999999999999999999 +1 @@", b"+++ b/x", b"--- a/x",
                     b"new file mode 100644", b"index 0000000..1111111 160000", b"rename to \"a\\tb\"",
                     b"Binary files a/x and b/x differ", b"\\ No newline at end of file", b"+added", b"-removed",
                     b" context", b"\x01commit header", b"+++ \"b/\\303\\251\\\"", b"@@ -0,0 +1,2 @@"]),
)
# git quotes a name holding a control character, a quote, a backslash or a byte above 0x7f.
NAMES = st.lists(st.binary(min_size=1, max_size=12).filter(lambda n: b"/" not in n and b"\0" not in n
                                                            and n not in (b".", b"..")),
                 min_size=1, max_size=3).map(lambda parts: b"/".join(parts))
LINES = st.lists(st.binary(max_size=30).filter(lambda line: b"\n" not in line), min_size=1, max_size=6)


@SETTINGS
@given(st.lists(DIFF_LINES, max_size=30))
def test_any_input_parses_without_error(lines):
    for item in parse_patches(lines):
        assert isinstance(item, (bytes, FileChange))
        if isinstance(item, FileChange):
            assert isinstance(item.path, str)
            assert all(isinstance(number, int) and isinstance(line, bytes) for number, line in item.added)


def quote(name: bytes) -> bytes:
    """git's C-style quoting (core.quotePath=false keeps bytes above 0x7f as they are)."""
    special = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f", 13: b"\\r", 34: b'\\"',
               92: b"\\\\"}
    if not any(byte < 0x20 or byte in (34, 92, 0x7f) for byte in name):
        return name
    out = b"".join(special.get(byte) or (b"\\%03o" % byte if byte < 0x20 or byte == 0x7f else bytes([byte]))
                   for byte in name)
    return b'"' + out + b'"'


def prefixed(prefix: bytes, name: bytes) -> bytes:
    quoted = quote(name)
    return b'"' + prefix + quoted[1:] if quoted.startswith(b'"') else prefix + quoted


def git_diff(files) -> list[bytes]:
    """What `git diff -U0` prints for new files and for files gaining lines after line `start`."""
    out = []
    for name, start, added in files:
        a, b = prefixed(b"a/", name), prefixed(b"b/", name)
        out.append(b"diff --git " + a + b" " + b)
        if start == 0:
            out += [b"new file mode 100644", b"index 0000000..1234567", b"--- /dev/null"]
        else:
            out += [b"index 1234567..89abcde 100644", b"--- " + a]
        out.append(b"+++ " + b + (b"\t" if b" " in name and not b.startswith(b'"') else b""))
        out.append(b"@@ -%d,0 +%d,%d @@ context" % (start, start + 1, len(added)))
        out += [b"+" + line for line in added]
    return [line + b"\n" for line in out]


@SETTINGS
@given(st.lists(st.tuples(NAMES, st.integers(0, 50), LINES), max_size=4, unique_by=lambda f: f[0]))
def test_git_shaped_diff_round_trips(files):
    changes = [item for item in parse_patches(git_diff(files)) if isinstance(item, FileChange)]
    assert [c.path for c in changes] == [name.decode("utf-8", "backslashreplace") for name, _, _ in files]
    for change, (_, start, added) in zip(changes, files):
        assert change.added == [(start + 1 + i, line) for i, line in enumerate(added)]
        assert change.new_file == (start == 0)
