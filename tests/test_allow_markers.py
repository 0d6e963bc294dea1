"""Inline allow markers: hushgate's own and those teams already use, same line or next line."""
import base64

import pytest

from fakes import GITHUB_PAT
from scanner.engine.allow_markers import is_allowed_by_marker

LINE = f'TOKEN = "{GITHUB_PAT}"'


def rules_found(scanner, text: str) -> list:
    return [(f.rule_id, f.line) for f in scanner.scan_bytes(text.encode(), "app/settings.py")]


@pytest.mark.parametrize("marker", [
    "# hushgate:allow", "// gitleaks:allow", "# pragma: allowlist secret", "/* pragma:allowlist secret */",
])
def test_same_line_markers(scanner, marker):
    assert rules_found(scanner, f"{LINE}  {marker}\n") == []


@pytest.mark.parametrize("marker", ["# hushgate:allow-next-line", "# pragma: allowlist nextline secret"])
def test_next_line_markers(scanner, marker):
    assert rules_found(scanner, f"{marker}\n{LINE}\n") == []


def test_next_line_marker_covers_one_line_only(scanner):
    text = f"# hushgate:allow-next-line\n{LINE}\n{LINE}\n"
    assert rules_found(scanner, text) == [("github-pat-classic", 3)]


def test_next_line_marker_does_not_allow_its_own_line(scanner):
    assert rules_found(scanner, f"{LINE}  # hushgate:allow-next-line\n") == [("github-pat-classic", 1)]


def test_same_line_marker_does_not_reach_the_next_line(scanner):
    assert rules_found(scanner, f"x = 1  # gitleaks:allow\n{LINE}\n") == [("github-pat-classic", 2)]


def test_marker_applies_to_decoded_findings_at_the_encoded_line(scanner):
    encoded = base64.b64encode(f"GITHUB_TOKEN={GITHUB_PAT}\n".encode()).decode()
    assert rules_found(scanner, f"env: {encoded}  # hushgate:allow\n") == []
    assert rules_found(scanner, f"env: {encoded}\n") == [("github-pat-classic", 1)]


def test_marker_is_found_in_windows_of_a_large_file(scanner):
    padding = "x = 1\n" * 50_000
    assert rules_found(scanner, padding + f"{LINE}  # hushgate:allow\n") == []


def test_marker_check_reads_only_the_two_lines():
    data = b"a\n# hushgate:allow-next-line\nb\nc\n"
    assert is_allowed_by_marker(data, data.index(b"b"))
    assert not is_allowed_by_marker(data, data.index(b"c"))
    assert not is_allowed_by_marker(data, 0)


def test_cli_honours_markers(cli, tmp_path):
    (tmp_path / "a.py").write_text(f"{LINE}  # pragma: allowlist secret\n")
    done = cli("scan", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
