"""SARIF 2.1.0: the structure of the OASIS schema, and what GitHub code scanning needs."""
import json
from urllib.parse import unquote

import jsonschema
import pytest

from fakes import ALL
from report_samples import HOSTILE_NAME, sample_result
from scanner.findings import Finding
from scanner.pipeline import ScanResult
from scanner.report import sarif

LEVELS = ["none", "note", "warning", "error"]


def ref(name):
    return {"$ref": f"#/definitions/{name}"}


def obj(properties, required=()):
    """Like the OASIS schema: unknown properties are errors, so a misspelt name cannot pass."""
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


TEXT = {"type": "string"}
POSITIVE = {"type": "integer", "minimum": 1}
# The subset of the OASIS SARIF 2.1.0 schema (sarif-schema-2.1.0.json) covering every object and
# property hushgate writes, with the schema's required properties, types and enumerations.
SARIF_SUBSET = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    **obj({"$schema": TEXT, "version": {"enum": ["2.1.0"]}, "runs": {"type": "array", "items": ref("run")}},
          required=["version", "runs"]),
    "definitions": {
        "run": obj({"tool": ref("tool"), "results": {"type": "array", "items": ref("result")},
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "invocations": {"type": "array", "items": ref("invocation")}}, required=["tool"]),
        "tool": obj({"driver": ref("toolComponent")}, required=["driver"]),
        "toolComponent": obj({"name": TEXT, "version": TEXT, "semanticVersion": TEXT, "informationUri": TEXT,
                              "rules": {"type": "array", "uniqueItems": True, "items": ref("reportingDescriptor")}},
                             required=["name"]),
        "reportingDescriptor": obj({"id": TEXT, "name": TEXT, "shortDescription": ref("multiformatMessageString"),
                                    "fullDescription": ref("multiformatMessageString"),
                                    "help": ref("multiformatMessageString"),
                                    "defaultConfiguration": ref("reportingConfiguration"),
                                    "properties": ref("propertyBag")}, required=["id"]),
        "reportingConfiguration": obj({"level": {"enum": LEVELS}}),
        "multiformatMessageString": obj({"text": TEXT, "markdown": TEXT}, required=["text"]),
        "message": {**obj({"text": TEXT, "id": TEXT}), "anyOf": [{"required": ["text"]}, {"required": ["id"]}]},
        "result": obj({"ruleId": TEXT, "ruleIndex": {"type": "integer", "minimum": -1}, "level": {"enum": LEVELS},
                       "message": ref("message"), "locations": {"type": "array", "items": ref("location")},
                       "partialFingerprints": {"type": "object", "additionalProperties": TEXT},
                       "properties": ref("propertyBag")}, required=["message"]),
        "location": obj({"physicalLocation": ref("physicalLocation")}),
        "physicalLocation": {**obj({"artifactLocation": ref("artifactLocation"), "region": ref("region")}),
                             "anyOf": [{"required": ["address"]}, {"required": ["artifactLocation"]}]},
        "artifactLocation": obj({"uri": TEXT, "uriBaseId": TEXT}),
        "region": obj({"startLine": POSITIVE, "startColumn": POSITIVE, "endLine": POSITIVE, "endColumn": POSITIVE}),
        "propertyBag": {"type": "object", "properties": {
            "tags": {"type": "array", "uniqueItems": True, "items": TEXT}}},
        "invocation": obj({"executionSuccessful": {"type": "boolean"},
                           "toolExecutionNotifications": {"type": "array", "items": ref("notification")}},
                          required=["executionSuccessful"]),
        "notification": obj({"message": ref("message"), "level": {"enum": LEVELS}}, required=["message"]),
    },
}


@pytest.fixture
def document(scanner, tmp_path):
    result = sample_result(scanner, tmp_path)
    result.error("locked.env", "Permission denied")
    return result, json.loads(sarif.render(result))


def test_matches_the_oasis_schema_structure(document):
    _, log = document
    jsonschema.Draft7Validator.check_schema(SARIF_SUBSET)
    jsonschema.validate(log, SARIF_SUBSET)


def test_the_subset_rejects_what_github_would(document):
    _, log = document
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SARIF_SUBSET)
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SARIF_SUBSET)


def test_every_rule_used_is_described_once_and_results_point_at_it(document):
    result, log = document
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "hushgate" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted({f.rule_id for f in result.findings})
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and "security" in rule["properties"]["tags"]
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
    by_id = {f.rule_id: f for f in result.findings}
    aws = next(r for r in rules if r["id"] == "aws-access-key-id")
    assert aws["help"]["text"] == by_id["aws-access-key-id"].remediation.strip()
    assert set(aws["properties"]["tags"]) >= set(by_id["aws-access-key-id"].tags)
    results = log["runs"][0]["results"]
    assert len(results) == len(result.findings)
    for entry in results:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]
        assert entry["level"] in ("error", "warning", "note")
        assert entry["partialFingerprints"]["hushgateLocation/v1"]


def test_locations_are_relative_percent_encoded_uris_with_exact_columns(document):
    result, log = document
    pairs = zip(result.findings, log["runs"][0]["results"])
    for finding, entry in pairs:
        physical = entry["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert ":" not in uri.split("/")[0] and not uri.startswith("/")
        assert not any(c in uri for c in " <>\"\n\x1b")
        assert unquote(uri) == finding.path
        region = physical["region"]
        assert (region["startLine"], region["startColumn"], region["endColumn"]) == \
            (finding.line, finding.column, finding.end_column)
    assert any(HOSTILE_NAME == unquote(e["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
               for e in log["runs"][0]["results"])


def test_file_name_findings_have_no_region():
    finding = Finding(rule_id="keystore", title="Keystore file", path="deploy/app.jks", line=0, column=0,
                      end_column=0, secret="deploy/app.jks", severity="high")
    log = json.loads(sarif.render(ScanResult(findings=[finding])))
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert "region" not in physical and physical["artifactLocation"]["uri"] == "deploy/app.jks"
    jsonschema.validate(log, SARIF_SUBSET)


def test_clean_scan_is_a_valid_log_with_no_results():
    log = json.loads(sarif.render(ScanResult()))
    jsonschema.validate(log, SARIF_SUBSET)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_secrets_are_redacted_unless_asked(document):
    result, _ = document
    text = sarif.render(result)
    assert not any(secret in text for secret in ALL)
    assert all(secret in sarif.render(result, show_secrets=True) for secret in ALL)


def test_sarif_uris_are_relative_to_the_repository_root_when_a_subfolder_is_scanned(tmp_path, cli):
    import subprocess

    from fakes import GITHUB_PAT

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(f"TOKEN = '{GITHUB_PAT}'\n")
    sarif = json.loads(cli("scan", "src", "-f", "sarif", cwd=tmp_path).stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/app.py"
    report = json.loads(cli("scan", "src", "-f", "json", cwd=tmp_path).stdout)
    assert report["findings"][0]["path"] == "app.py"
