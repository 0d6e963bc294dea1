"""Property tests of the engine's pieces that read untrusted bytes: decoders, entropy, encodings and
the detector itself. Any input: no exception, results inside their bounds."""
import base64
import binascii
import io
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.engine.decoders import encoded_runs, is_mostly_printable
from scanner.engine.entropy import fits_charset, looks_random, shannon_entropy
from scanner.sources.encoding import Transcoder, as_utf8, utf8_stream

SETTINGS = settings(max_examples=100, deadline=None)
PRINTABLE_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=24, max_size=120)
# Bytes that look like encodings some of the time: runs of the alphabets, escapes, noise.
ENCODED_ISH = st.lists(st.one_of(st.binary(max_size=20), st.sampled_from([b"%41", b"%", b"==", b"=", b"-_"]),
                                 st.text("0123456789abcdefABCDEF", max_size=70).map(str.encode),
                                 st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                                         max_size=70).map(str.encode)), max_size=12).map(b"".join)


@SETTINGS
@given(ENCODED_ISH)
def test_decoders_accept_any_bytes_and_map_back_inside_their_run(data):
    for run in encoded_runs(data):
        assert 0 <= run.start < run.end <= len(data)
        assert run.kind in ("base64", "hex", "percent") and is_mostly_printable(run.text)
        for position in range(len(run.text) + 1):
            assert run.start <= run.origin(position) <= run.end


@SETTINGS
@given(PRINTABLE_TEXT, st.sampled_from(["base64", "urlsafe", "hex"]))
def test_encoded_text_is_decoded_back(text, kind):
    raw = text.encode()
    encoded = {"base64": base64.b64encode, "urlsafe": base64.urlsafe_b64encode, "hex": binascii.hexlify}[kind](raw)
    if encoded.islower() or encoded.isupper() or encoded.isdigit():
        return  # one letter case: taken for an identifier, by design
    data = b"value: " + encoded + b" end"
    assert raw in [run.text for run in encoded_runs(data)]


@SETTINGS
@given(st.text(max_size=200))
def test_entropy_is_bounded(text):
    entropy = shannon_entropy(text)
    assert 0.0 <= entropy <= (math.log2(len(text)) if text else 0.0) + 1e-9
    assert len(set(text)) > 1 or entropy == 0.0
    assert fits_charset(text, "any")
    assert fits_charset(text, "hex") == all(c in "0123456789abcdefABCDEF" for c in text)
    assert looks_random(text) in (True, False)


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]),
       st.integers(1, 64))
def test_wide_text_is_transcoded_whatever_the_read_sizes(text, codec, size):
    if text.startswith("\0") and codec != "utf-32":
        return  # UTF-16 LE's mark and a NUL read as UTF-32 LE's mark, as every tool reads them
    if codec in ("utf-16-le", "utf-16-be"):
        data = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec] + text.encode(codec, "surrogatepass")
    else:
        data = text.encode(codec, "surrogatepass")
    expected = data.decode("utf-16" if "16" in codec else "utf-32", "replace").encode("utf-8")
    assert as_utf8(data) == expected
    reader = Transcoder(io.BytesIO(data), "utf-16" if "16" in codec else "utf-32")
    chunks = []
    while chunk := reader.read(size):
        assert len(chunk) == size or not reader.read(1)  # full reads until the end
        chunks.append(chunk)
    assert len(b"".join(chunks)) <= len(expected)
    assert utf8_stream(io.BytesIO(data)).read(len(expected) + 10) == expected


@SETTINGS
@given(st.binary(max_size=4))
def test_narrow_input_passes_through(head):
    data = head + b"plain text"
    if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        assert as_utf8(data) == data
        assert utf8_stream(io.BytesIO(data)).read(100) == data


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.text(max_size=20))
def test_detector_accepts_any_bytes(scanner, data, path):
    for finding in scanner.scan_bytes(data, path or "x.txt"):
        assert 1 <= finding.line <= data.count(b"\n") + 1
        assert 0 <= finding.offset <= len(data)
        assert finding.column >= 1 and finding.end_column >= finding.column


@SETTINGS
@given(st.one_of(st.binary(max_size=200), st.text(max_size=80).map(lambda text: text.encode("utf-8", "surrogatepass")))
       .map(lambda data: data.replace(b"\r", b"\n")), st.lists(st.integers(0, 200), max_size=12))
def test_line_index_agrees_with_searching_the_chunk(data, offsets):
    """lines.py answers from one index what the detector used to search the chunk for, per finding."""
    from scanner.engine.lines import Lines

    lines = Lines(data)
    for offset in (min(o, len(data)) for o in offsets):  # in any order: the column cache must hold
        start = data.rfind(b"\n", 0, offset) + 1
        end = data.find(b"\n", offset)
        assert lines.number(offset) == data.count(b"\n", 0, offset) + 1
        assert lines.span(offset) == (start, len(data) if end < 0 else end)
        assert lines.column(offset) == len(data[start:offset].decode("utf-8", "replace")) + 1
