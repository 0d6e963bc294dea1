"""Bad inputs through the CLI: odd encodings, odd files, odd trees. None ends in a traceback; per-file
problems are warnings in the JSON `errors` list and the summary, and findings still exit 1."""
import ctypes
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fakes import AWS_SECRET, GITHUB_PAT, TOKEN_LINE

DEEP_LEVELS = 1100  # past Python's recursion limit: a recursive walk would stop here


def token_column(line: str) -> int:
    return line.index(GITHUB_PAT) + 1


@pytest.fixture(scope="module")
def zoo():
    """One tree holding every awkward kind of file, scanned once; tests check each file's fate.
    Outside pytest's tmp_path: its clean-up recurses, and would trip on the deep tree if a killed
    run left it behind."""
    base = Path(tempfile.mkdtemp(prefix="hushgate-zoo-"))
    try:
        yield from scanned_zoo(base)
    finally:
        remove_tree(base)


def remove_tree(base: Path) -> None:
    deepest = base / "tree"
    while (deepest / "d").is_dir():
        deepest = deepest / "d"
    while deepest != base / "tree":
        shutil.rmtree(deepest)
        deepest = deepest.parent
    shutil.rmtree(base)


def scanned_zoo(base: Path):
    root = base / "tree"
    root.mkdir()
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"aws_secret_access_key = {AWS_SECRET}\n")

    (root / "archive.zip").write_bytes(b"PK\x03\x04\0\0" + TOKEN_LINE.encode())
    (root / "blob").write_bytes(b"\x7fELF\0\0\0" + TOKEN_LINE.encode())
    (root / "late-nul.txt").write_bytes(b"x" * 9000 + b"\0\n" + TOKEN_LINE.encode())
    (root / "invalid-utf8.txt").write_bytes(b"\xc3\x28 \xa0\xa1 caf\xe9 \xed\xa0\x80\n" + TOKEN_LINE.encode())
    text = "first\nsecond\n" + TOKEN_LINE
    (root / "utf16le.txt").write_bytes(text.encode("utf-16"))  # native order with BOM: LE here
    (root / "utf16be.txt").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (root / "utf32.txt").write_bytes(text.encode("utf-32"))
    (root / "crlf.txt").write_bytes(text.replace("\n", "\r\n").encode())
    (root / "mixed.txt").write_bytes(b"a\r\nb\nc\r\n\r\n" + TOKEN_LINE.replace("\n", "\r\n").encode())
    (root / "empty.txt").write_bytes(b"")
    line = "var a=function(b){return b+1};" * 40
    (root / "bundle.min.js").write_text(line * 4000 + f'var t="{GITHUB_PAT}";' + line * 4500
                                        + f'var u="{GITHUB_PAT}";')
    weird = "new\nline\ttab\x1b[31mred.env"
    (root / weird).write_text(TOKEN_LINE)
    (root / ".hushgate.key").write_text(GITHUB_PAT + "\n")
    os.mkfifo(root / "pipe")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(root / "sock"))
    try:
        os.mknod(root / "null-device", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        os.mkfifo(root / "null-device")  # no mknod in this sandbox: still a special file
    os.symlink(base / "nowhere", root / "dangling")
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.symlink(outside / "secret.txt", root / "outside-file")
    os.symlink(outside, root / "outside-folder")
    os.symlink("crlf.txt", root / "inside-link")
    deep = root
    for _ in range(DEEP_LEVELS):
        deep = deep / "d"
        deep.mkdir()
    (deep / "bottom.txt").write_text(TOKEN_LINE)

    done = subprocess.run([sys.executable, "-m", "scanner", "scan", "tree", "-f", "json", "-j", "2"],
                          cwd=base, capture_output=True, timeout=300)
    console = subprocess.run([sys.executable, "-m", "scanner", "scan", "tree"], cwd=base, capture_output=True,
                             timeout=300)
    listener.close()
    yield done, json.loads(done.stdout), console


def findings_in(report, path):
    return [f for f in report["findings"] if f["path"] == path]


def test_scan_of_the_zoo_ends_cleanly_with_findings(zoo):
    done, report, console = zoo
    assert done.returncode == 1, done.stderr
    assert console.returncode == 1
    assert done.stderr == b"" and b"Traceback" not in console.stderr
    done.stdout.decode("utf-8")  # valid UTF-8 whatever the file names
    assert report["summary"]["errors"] == len(report["errors"]) == 0


@pytest.mark.parametrize("name, line", [
    ("utf16le.txt", 3), ("utf16be.txt", 3), ("utf32.txt", 3), ("crlf.txt", 3), ("mixed.txt", 5),
    ("invalid-utf8.txt", 2), ("late-nul.txt", 2), ("inside-link", 3),
])
def test_text_in_any_encoding_or_line_ending_is_found_on_the_right_line(zoo, name, line):
    found = findings_in(zoo[1], name)
    assert [(f["rule_id"], f["line"]) for f in found] == [("github-pat-classic", line)]
    assert found[0]["column"] == token_column(TOKEN_LINE)
    assert found[0]["end_column"] - found[0]["column"] == len(GITHUB_PAT)  # no \r, no BOM in it


def test_ten_megabyte_single_line_keeps_true_columns(zoo):
    found = findings_in(zoo[1], "bundle.min.js")
    line = "var a=function(b){return b+1};" * 40
    first = len(line * 4000) + len('var t="') + 1
    second = first + len(GITHUB_PAT) + len('";') + len(line * 4500) + len('var u="')
    assert [(f["line"], f["column"]) for f in found] == [(1, first), (1, second)]


def test_deep_tree_is_walked_to_the_bottom(zoo):
    assert findings_in(zoo[1], "d/" * DEEP_LEVELS + "bottom.txt")


def test_skipped_files_are_counted_by_reason_and_never_read(zoo):
    report = zoo[1]
    reasons = report["summary"]["skipped_by_reason"]
    assert reasons == {"binary": 2, "broken-symlink": 3, "fingerprint-key": 1, "special-file": 3,
                       "symlink-outside-root": 2}
    scanned_paths = {f["path"] for f in report["findings"]}
    assert not scanned_paths & {"archive.zip", "blob", "pipe", "sock", "null-device", ".hushgate.key",
                                "outside-file", "outside-folder", "dangling", "loop-a", "loop-b"}
    assert not any(f["rule_id"] == "aws-secret-access-key" for f in report["findings"])
    assert report["summary"]["files"] == 12


def test_empty_file_is_scanned(zoo):
    assert zoo[1]["summary"]["bytes"] > 0
    assert not findings_in(zoo[1], "empty.txt")


def test_file_names_are_exact_in_json_and_escaped_on_the_console(zoo):
    done, report, console = zoo
    assert findings_in(report, "new\nline\ttab\x1b[31mred.env")
    out = console.stdout.decode("utf-8")
    assert "\x1b" not in out and "\t" not in out
    assert "new\\nline\\ttab\\x1b[31mred.env" in out


def drop_read_override():
    """As root, nothing is unreadable: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
    bounding set of the child, so its exec runs without them (PR_CAPBSET_DROP = 24)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def run_without_read_override(*args, cwd):
    preexec = drop_read_override if os.geteuid() == 0 else None
    return subprocess.run([sys.executable, "-m", "scanner", *args], cwd=cwd, capture_output=True, text=True,
                          preexec_fn=preexec, timeout=120)


def test_unreadable_file_and_folder_are_warnings_and_findings_still_count(tmp_path):
    root = tmp_path / "tree"
    (root / "locked-dir").mkdir(parents=True)
    (root / "locked-dir" / "inside.txt").write_text(TOKEN_LINE)
    (root / "locked.txt").write_text(TOKEN_LINE)
    (root / "open.txt").write_text(TOKEN_LINE)
    (root / "locked.txt").chmod(0)
    (root / "locked-dir").chmod(0)
    try:
        done = run_without_read_override("scan", "tree", "-f", "json", cwd=tmp_path)
    finally:
        (root / "locked-dir").chmod(0o755)
    if "prctl" in done.stderr:
        pytest.skip("cannot drop the read override capability here")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [f["path"] for f in report["findings"]] == ["open.txt"]
    assert sorted((e["path"], e["error"]) for e in report["errors"]) == [
        ("locked-dir", "Permission denied"), ("locked.txt", "Permission denied")]
    assert report["summary"]["errors"] == 2 and report["summary"]["skipped_by_reason"] == {"unreadable": 2}


def test_hundred_megabyte_log_is_scanned_to_the_end_in_bounded_memory(tmp_path):
    line = b"2024-01-01T00:00:00Z INFO served path=/api/v1/items status=200 bytes=5120 took=12ms\n"
    count = (100 << 20) // len(line)
    with open(tmp_path / "big.log", "wb") as handle:
        handle.write(line * count)
        handle.write(TOKEN_LINE.encode())
    (tmp_path / "small.log").write_bytes(line + TOKEN_LINE.encode())
    measure = ("import resource, sys\nfrom scanner.cli.main import main\ncode = main(sys.argv[1:])\n"
               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")

    def scan(name):
        done = subprocess.run([sys.executable, "-c", measure, "scan", name, "-f", "json", "-j", "1"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stderr
        return json.loads(done.stdout), int(done.stderr.split()[-1]) * 1024

    big, big_peak = scan("big.log")
    _, small_peak = scan("small.log")
    assert [f["line"] for f in big["findings"]] == [count + 1]
    assert big["summary"]["bytes"] == (tmp_path / "big.log").stat().st_size
    assert big_peak - small_peak < 80 << 20  # windows, not the 100 MB file


def test_max_file_size_skips_and_counts(tmp_path, cli):
    (tmp_path / "big.txt").write_text(TOKEN_LINE * 1000)
    report = json.loads(cli("scan", tmp_path, "-f", "json", "--max-file-size", "1k").stdout)
    assert report["findings"] == [] and report["summary"]["skipped_by_reason"] == {"too-large": 1}


@pytest.mark.parametrize("args, message", [
    (["--max-file-size", "1e400m"], "not a size"),
    (["--max-file-size", "-3"], "not a size"),
    (["--regex-timeout", "0"], "seconds above 0"),
    (["--max-decode-depth", "-1"], "at least 0"),
])
def test_bad_limit_values_are_usage_errors(tmp_path, cli, args, message):
    done = cli("scan", tmp_path, *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_bad_config_values_are_one_line_errors(tmp_path, cli):
    (tmp_path / ".hushgate.toml").write_text('max_file_size = "lots"\n')
    done = cli("scan", tmp_path)
    assert done.returncode == 2 and "max_file_size" in done.stderr
    assert done.stderr.count("\n") == 1
    (tmp_path / ".hushgate.toml").write_text('max_file_size = "1k"\n')
    (tmp_path / "big.txt").write_text(TOKEN_LINE * 100)
    assert cli("scan", tmp_path).returncode == 0


def test_bad_environment_value_is_a_one_line_error(tmp_path, cli):
    done = cli("scan", tmp_path, env={"HUSHGATE_REGEX_TIMEOUT": "soon"})
    assert done.returncode == 2 and "HUSHGATE_REGEX_TIMEOUT" in done.stderr
    assert done.stderr.count("\n") == 1


def test_escape_sequences_in_an_argument_are_shown_escaped(tmp_path, cli):
    done = cli("scan", tmp_path / "no\x1b[2Jsuch")
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\\x1b[2J" in done.stderr


def test_decoding_limits_are_flags(tmp_path, cli):
    import base64

    (tmp_path / "encoded.txt").write_text("blob = " + base64.b64encode(TOKEN_LINE.encode()).decode() + "\n")

    def decoded(*flags):
        report = json.loads(cli("scan", tmp_path, "-f", "json", *flags).stdout)
        return [f["rule_id"] for f in report["findings"] if f.get("decoded_from")]

    assert decoded() == ["github-pat-classic"]
    assert decoded("--max-decode-depth", "0") == []
    assert decoded("--max-decoded-size", "8") == []


def test_utf16_on_stdin():
    data = ("x\n" + TOKEN_LINE).encode("utf-16")
    done = subprocess.run([sys.executable, "-m", "scanner", "scan", "-", "-f", "json"], input=data,
                          capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert [f["line"] for f in json.loads(done.stdout)["findings"]] == [2]
