"""Reading files: a small file gets a buffer of its own size, and windows still cover every byte."""
import io

from scanner.sources.files import OVERLAP, WINDOW, read_up_to, read_windows


def test_read_up_to_reads_what_a_plain_read_would(tmp_path):
    path = tmp_path / "f.txt"
    for size in (0, 5, 4096, 20000):
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        with open(path, "rb") as handle:
            handle.read(3)
            assert read_up_to(handle, 10000) == path.read_bytes()[3:10003]
            assert read_up_to(handle, 10000) == path.read_bytes()[10003:20003]
    assert read_up_to(io.BytesIO(b"no file behind it"), 7) == b"no file"


def test_windows_of_a_file_larger_than_one_window(tmp_path):
    path = tmp_path / "big.txt"
    data = b"line of text\n" * ((WINDOW + WINDOW // 2) // 13)
    path.write_bytes(data)
    with open(path, "rb") as handle:
        windows = list(read_windows(handle))
    assert [(offset, last) for _, offset, _, _, last in windows] == [(0, False), (WINDOW - OVERLAP, True)]
    assert windows[0][0] == data[:WINDOW] and windows[1][0] == data[WINDOW - OVERLAP:]
