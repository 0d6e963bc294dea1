"""File-name rules apply to every walked file: binary, too large to read, or plain text.

File-name rules need no content engine, so these tests run the portable one and never wait
for a Hyperscan compile.
"""
import json

import pytest

from scanner.pipeline import Scanner

KEYSTORE_BYTES = b"0\x82\x0a\x1f\x02\x01\x030\x82\x09\xd8\x06\x09*\x86H\x86\xf7\x0d\x01\x07\x01\x00\x00" * 8
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7Zx9Lm2Nb7Rt5Wy1Kp8Hc4Jd6Fg0Ts2Ue7Ia9OqVx dev@laptop\n"


@pytest.fixture
def key_files(tmp_path):
    root = tmp_path / "repo"
    (root / "certs").mkdir(parents=True)
    (root / "certs" / "keystore.p12").write_bytes(KEYSTORE_BYTES)
    (root / ".ssh").mkdir()
    (root / ".ssh" / "id_rsa").write_text("placeholder body: the file name alone is the finding\n")
    (root / ".ssh" / "id_rsa.pub").write_text(PUBLIC_KEY)
    (root / "db").mkdir()
    (root / "db" / ".pgpass").write_text("# one comment line repeated to pass the size limit\n" * 100)
    return root


def findings_by_path(report: dict) -> dict:
    found: dict = {}
    for finding in report["findings"]:
        found.setdefault(finding["path"], set()).add(finding["rule_id"])
    return found


def test_scan_reports_key_files_binary_and_too_large_included(key_files, cli):
    result = cli("scan", key_files, "--format", "json", "--max-file-size", "1K", "--engine", "portable")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    found = findings_by_path(report)
    assert found["certs/keystore.p12"] == {"pkcs12-file"}
    assert found[".ssh/id_rsa"] == {"ssh-private-key-file"}
    assert found["db/.pgpass"] == {"pgpass-file"}
    assert ".ssh/id_rsa.pub" not in found
    skipped = report["summary"]["skipped_by_reason"]
    assert skipped == {"binary": 1, "too-large": 1}
    name_finding = next(f for f in report["findings"] if f["path"] == ".ssh/id_rsa")
    assert name_finding["line"] == 0 and "id_rsa" not in name_finding["secret_preview"]


def test_excluded_files_stay_unreported(key_files, default_rules):
    result = Scanner(default_rules, engine="portable").scan_paths([str(key_files)], exclude=(".ssh/", "*.p12"))
    assert {f.path for f in result.findings} == {"db/.pgpass"}
    assert set(result.skipped) == {"excluded"}
