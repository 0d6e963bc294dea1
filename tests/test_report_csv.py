"""CSV: a header row, parsed back by the csv module; safe to open in a spreadsheet."""
import csv
import io

from fakes import ALL
from report_samples import sample_result
from scanner.report import csv_report


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_header_and_one_row_per_finding(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    text = csv_report.render(result)
    assert text.splitlines()[0] == ",".join(csv_report.COLUMNS)
    parsed = rows(text)
    assert len(parsed) == len(result.findings)
    for row, finding in zip(parsed, result.findings):
        assert (row["rule_id"], row["severity"], row["line"], row["fingerprint"]) == \
            (finding.rule_id, finding.severity, str(finding.line), finding.fingerprint)
        assert row["location_fingerprint"] == finding.location_fingerprint
        assert row["remediation"] == finding.remediation.strip()


def test_formula_and_control_characters_are_neutralised(scanner, tmp_path):
    parsed = rows(csv_report.render(sample_result(scanner, tmp_path)))
    hostile = [row["path"] for row in parsed if "HYPERLINK" in row["path"]]
    assert hostile and all(path.startswith("'=") for path in hostile)
    assert all("\n" not in path and "\x1b" not in path for path in hostile)
    assert not any(cell.startswith(csv_report.FORMULA_START) for row in parsed for cell in row.values())


def test_secrets_only_with_show_secrets(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    redacted = csv_report.render(result)
    assert not any(secret in redacted for secret in ALL) and "secret" not in rows(redacted)[0]
    shown = rows(csv_report.render(result, show_secrets=True))
    assert set(ALL) <= {row["secret"] for row in shown}
