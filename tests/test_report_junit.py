"""JUnit XML: parsed by a real XML parser, one failing test case per finding."""
import xml.etree.ElementTree as ET

from fakes import ALL
from report_samples import sample_result
from scanner.pipeline import ScanResult
from scanner.report import junit


def test_one_failing_case_per_finding_grouped_by_file(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    result.error("locked.env", "Permission denied")
    root = ET.fromstring(junit.render(result).encode("utf-8"))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(result.findings) == int(suite.get("tests")) == int(suite.get("failures"))
    assert int(root.get("failures")) == len(result.findings)
    for case, finding in zip(cases, result.findings):
        failure = case.find("failure")
        assert failure is not None and failure.get("type") == finding.rule_id
        assert finding.fingerprint in failure.text
        assert finding.rule_id in case.get("name")
        if finding.path.isprintable():
            assert case.get("classname") == finding.path
            assert finding.remediation.strip() in failure.text
    assert "locked.env: Permission denied" in suite.find("system-err").text


def test_hostile_file_names_stay_well_formed_text(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    root = ET.fromstring(junit.render(result).encode("utf-8"))
    hostile = [c.get("classname") for c in root.iter("testcase") if "<img" in c.get("classname")]
    assert hostile and all("\\n" in name and "\\x1b" in name and "\n" not in name for name in hostile)


def test_clean_scan_is_one_passing_case():
    root = ET.fromstring(junit.render(ScanResult()).encode("utf-8"))
    cases = list(root.iter("testcase"))
    assert len(cases) == 1 and not list(cases[0]) and root.get("failures") == "0"


def test_secrets_are_redacted_unless_asked(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    assert not any(secret in junit.render(result) for secret in ALL)
    assert all(secret in junit.render(result, show_secrets=True) for secret in ALL)
