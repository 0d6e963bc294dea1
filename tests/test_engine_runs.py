"""The fast run finder returns exactly what the defining regexes would, byte for byte."""
import pathlib

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.engine.runs import encoded_spans


def base64_definition(min_chars: int):
    """Not inside a longer run, nor right after a long run's padding (`KEY=` is fine)."""
    alphabet, neighbour = rb"[A-Za-z0-9+/_\-]", rb"[A-Za-z0-9+/=_\-]"
    return regex.compile(rb"(?<!%s)(?<!%s{%d}={1,2})%s{%d,}={0,2}(?!%s)"
                         % (alphabet, alphabet, min_chars, alphabet, min_chars, neighbour))


def hex_definition(min_chars: int):
    return regex.compile(rb"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){%d,}(?![0-9A-Fa-f])" % (min_chars // 2))


# Mostly run characters, with the separators and padding that decide where runs end.
pieces = st.lists(st.sampled_from([b"a", b"B", b"7", b"f", b"+", b"/", b"_", b"-", b"=", b"==", b"===",
                                   b" ", b"\n", b"\"", b"\xff", b"Zq", b"0e"]), max_size=80)


@settings(max_examples=800, deadline=None)
@given(pieces, st.sampled_from([2, 4, 6]), st.sampled_from([2, 4, 6]))
def test_spans_match_the_regex_definitions(parts, min_base64, min_hex):
    data = b"".join(parts)
    base64, hexes = encoded_spans(data, min_base64, min_hex)
    assert base64 == [m.span() for m in base64_definition(min_base64).finditer(data)]
    assert hexes == [m.span() for m in hex_definition(min_hex).finditer(data)]


def test_real_source_gives_the_same_spans():
    data = b"".join(p.read_bytes() for p in sorted(pathlib.Path(regex.__file__).parent.glob("*.py")))
    data += b"\nkey = 'QUtJQVEzVFpQUlc1TE1OQjdYS0Q=' digest = '" + b"0123456789abcdef" * 4 + b"'\n"
    base64, hexes = encoded_spans(data, 24, 32)
    assert len(hexes) >= 1
    assert base64 == [m.span() for m in base64_definition(24).finditer(data)]
    assert hexes == [m.span() for m in hex_definition(32).finditer(data)]
