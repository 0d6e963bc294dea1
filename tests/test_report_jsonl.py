"""JSON Lines: one finding object per line, the JSON report's finding contract."""
import json

from fakes import ALL
from report_samples import HOSTILE_NAME, sample_result
from scanner.pipeline import ScanResult
from scanner.report import jsonl


def test_one_json_object_per_finding(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    text = jsonl.render(result)
    lines = text.splitlines()
    assert len(lines) == len(result.findings) and text.endswith("\n")
    objects = [json.loads(line) for line in lines]
    assert objects == [f.to_dict() for f in result.findings]
    assert HOSTILE_NAME in {o["path"] for o in objects}
    assert all(o["location_fingerprint"] for o in objects)


def test_clean_scan_is_empty():
    assert jsonl.render(ScanResult()) == ""


def test_secrets_are_redacted_unless_asked(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    assert not any(secret in jsonl.render(result) for secret in ALL)
    assert all(secret in jsonl.render(result, show_secrets=True) for secret in ALL)
