"""The Python API and redaction."""
import subprocess
import sys
from pathlib import Path

import scanner
from fakes import AWS_KEY_ID, GITHUB_PAT, secrets_file_text
from scanner.findings import redact

ROOT = Path(__file__).resolve().parents[1]


def test_scan_text_returns_findings():
    findings = scanner.scan_text(f"key = {AWS_KEY_ID}\n", fingerprint_key=b"k")
    assert [f.rule_id for f in findings] == ["aws-access-key-id"]
    assert findings[0].line == 1 and findings[0].column == 7
    assert findings[0].secret == AWS_KEY_ID
    assert AWS_KEY_ID not in repr(findings[0])


def test_scan_paths_returns_findings(tmp_path):
    (tmp_path / "a.env").write_text(secrets_file_text())
    findings = scanner.scan_paths([tmp_path], fingerprint_key=b"k")
    assert {f.rule_id for f in findings} >= {"aws-access-key-id", "github-pat-classic"}


def test_fingerprint_is_keyed_and_stable():
    one = scanner.scan_text(f"a {GITHUB_PAT}", fingerprint_key=b"k1")[0].fingerprint
    moved = scanner.scan_text(f"\n\n  b = {GITHUB_PAT}", path="other.txt", fingerprint_key=b"k1")[0].fingerprint
    other_key = scanner.scan_text(f"a {GITHUB_PAT}", fingerprint_key=b"k2")[0].fingerprint
    assert one == moved and one != other_key


def test_redact_shows_at_most_four_characters():
    assert redact(GITHUB_PAT) == "ghp_*****"
    assert redact("short123") == "sh*****"
    assert redact("abc") == "*****"


def test_to_dict_redacts_unless_asked():
    finding = scanner.scan_text(f"a {GITHUB_PAT}", fingerprint_key=b"k")[0]
    assert GITHUB_PAT not in str(finding.to_dict())
    assert finding.to_dict(show_secrets=True)["secret"] == GITHUB_PAT


def test_installed_package_ships_default_rules(tmp_path):
    """Run from outside the checkout, so the installed copy (wheel or editable) is imported."""
    code = "import scanner.rules as r; print(r.default_pack_dir()); print(len(r.load_rules()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    pack_dir, count = out.stdout.split()
    shipped = sorted(p.name for p in Path(pack_dir).glob("*.toml"))
    assert shipped == sorted(p.name for p in (ROOT / "rules").glob("*.toml"))
    assert int(count) >= 8
