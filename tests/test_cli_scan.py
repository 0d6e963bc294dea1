"""`hushgate scan`: exit codes, the JSON contract, redaction, stdin, skipping."""
import json

import pytest

from fakes import ACME_PACK, AWS_KEY_ID, AWS_SECRET, GITHUB_PAT, PEM_KEY, secrets_file_text

REQUIRED_KEYS = {"rule_id", "title", "path", "line", "column", "secret_preview", "fingerprint",
                 "entropy", "severity", "confidence"}


@pytest.fixture
def leaky(tmp_path):
    root = tmp_path / "leaky"
    (root / "config").mkdir(parents=True)
    (root / "config" / "settings.env").write_text(secrets_file_text())
    (root / "keys").mkdir()
    (root / "keys" / "deploy.txt").write_text(PEM_KEY)
    (root / "clean.py").write_text("print('hello')\n")
    return root


def test_finds_aws_github_and_pem_and_exits_1(leaky, cli):
    result = cli("scan", leaky, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rule_ids = {f["rule_id"] for f in report["findings"]}
    assert {"aws-access-key-id", "aws-secret-access-key", "github-pat-classic", "private-key-pem"} <= rule_ids


def test_json_contract(leaky, cli):
    report = json.loads(cli("scan", leaky, "-f", "json").stdout)
    assert set(report) >= {"version", "findings", "summary"}
    for finding in report["findings"]:
        assert REQUIRED_KEYS <= set(finding)
        assert not finding["path"].startswith("/")
    aws = next(f for f in report["findings"] if f["rule_id"] == "aws-access-key-id")
    assert aws["path"] == "config/settings.env" and aws["line"] == 1 and aws["column"] == 21
    summary = report["summary"]
    for key in ("files", "bytes", "findings", "skipped", "seconds"):
        assert key in summary
    assert summary["files"] == 3 and summary["findings"] == len(report["findings"])


def test_clean_directory_exits_0(tmp_path, cli):
    (tmp_path / "ok.py").write_text("x = 1\n")
    result = cli("scan", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No secrets found" in result.stdout


def test_missing_path_exits_2_with_one_line(tmp_path, cli):
    result = cli("scan", tmp_path / "nope")
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr
    assert result.stderr.count("\n") == 1


def test_bad_flag_exits_2(cli):
    assert cli("scan", "--no-such-flag").returncode == 2


def test_bad_flag_value_is_one_line_naming_the_flag(cli):
    result = cli("scan", "--fail-on", "bogus")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--fail-on" in result.stderr and "usage:" not in result.stderr


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_no_raw_secret_without_show_secrets(leaky, cli, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = cli("scan", leaky, "--format", fmt, "--report", f"json:{out}")
    everything = result.stdout + result.stderr + out.read_text()
    for secret in (AWS_KEY_ID, AWS_SECRET, GITHUB_PAT, "MIIEowIBAAKCAQEAq7Zx9Lm2Nb7Rt5Wy1Kp8"):
        assert secret not in everything
    assert "AKIA*****" in everything


def test_show_secrets_prints_them(leaky, cli):
    result = cli("scan", leaky, "--format", "json", "--show-secrets")
    secrets = {f["secret"] for f in json.loads(result.stdout)["findings"]}
    assert AWS_KEY_ID in secrets and GITHUB_PAT in secrets


def test_stdin(cli):
    text = f"token={GITHUB_PAT}\n"
    result = cli("scan", "-", "-f", "json", input=text)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    finding = report["findings"][0]
    assert finding["path"] == "<stdin>" and finding["rule_id"] == "github-pat-classic"
    assert report["summary"]["files"] == 1 and report["summary"]["bytes"] == len(text)  # was 0


def test_output_file(leaky, cli, tmp_path):
    out = tmp_path / "out.json"
    result = cli("scan", leaky, "-f", "json", "-o", out)
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["summary"]["findings"] >= 4


def test_binary_and_oversized_files_are_skipped_and_counted(tmp_path, cli):
    (tmp_path / "blob.dat").write_bytes(b"\0\1\2" + GITHUB_PAT.encode())
    (tmp_path / "raw").write_bytes(b"\0" * 10 + GITHUB_PAT.encode())
    (tmp_path / "big.txt").write_text("a" * 5000 + GITHUB_PAT)
    result = cli("scan", tmp_path, "-f", "json", "--max-file-size", "1k")
    report = json.loads(result.stdout)
    assert result.returncode == 0
    assert report["summary"]["skipped"] == 3
    assert report["summary"]["skipped_by_reason"] == {"binary": 2, "too-large": 1}


def test_secret_at_end_of_large_file_crosses_windows(tmp_path, scanner):
    from scanner.sources import files

    line = b"lorem ipsum dolor sit amet\n"
    body = line * ((files.WINDOW * 2) // len(line))
    path = tmp_path / "big.log"
    path.write_bytes(body + f"token={GITHUB_PAT}\n".encode())
    result = scanner.scan_paths([str(path)], jobs=1)
    [finding] = result.findings
    assert finding.line == body.count(b"\n") + 1
    assert finding.rule_id == "github-pat-classic"


def test_secret_straddling_a_window_boundary_is_found_once(tmp_path, scanner):
    from scanner.sources import files

    prefix = b"x" * (files.WINDOW - 10) + b"\n"
    path = tmp_path / "edge.txt"
    path.write_bytes(prefix + f"token={GITHUB_PAT}\n".encode() + b"y\n" * 100)
    findings = scanner.scan_paths([str(path)], jobs=1).findings
    assert [(f.rule_id, f.line) for f in findings] == [("github-pat-classic", 2)]


def test_user_rules_extend_defaults_and_no_default_rules_replaces(tmp_path, cli):
    pack = tmp_path / "acme.toml"
    pack.write_text(ACME_PACK)
    target = tmp_path / "src"
    target.mkdir()
    (target / "a.txt").write_text(f"acme_q7gv2xk9lm3np5rt8wz1\ntoken={GITHUB_PAT}\n")
    both = {f["rule_id"] for f in json.loads(cli("scan", target, "-f", "json", "--rules", pack).stdout)["findings"]}
    assert both == {"acme-token", "github-pat-classic"}
    only = json.loads(cli("scan", target, "-f", "json", "--rules", pack, "--no-default-rules").stdout)
    assert {f["rule_id"] for f in only["findings"]} == {"acme-token"}


def test_config_in_pyproject_adds_rules_and_excludes(tmp_path, cli):
    (tmp_path / "pyproject.toml").write_text('[tool.hushgate]\nexclude = ["vendor/"]\n')
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "lib.txt").write_text(f"token={GITHUB_PAT}\n")
    (tmp_path / "app.txt").write_text(f"token={GITHUB_PAT}\n")
    report = json.loads(cli("scan", ".", "-f", "json", cwd=tmp_path).stdout)
    assert [f["path"] for f in report["findings"]] == ["app.txt"]


def test_hostile_file_name_is_escaped_in_console(tmp_path, cli):
    (tmp_path / "evil\x1b[31mname\n.txt").write_text(f"token={GITHUB_PAT}\n")
    result = cli("scan", tmp_path)
    assert "\x1b[31m" not in result.stdout
    assert "\\x1b[31mname\\n.txt" in result.stdout


def test_version_and_help(cli):
    assert cli("--version").stdout.startswith("hushgate ")
    for command in ("scan", "rules"):
        assert cli(command, "-h").returncode == 0
    listed = cli("-h", "staged").stdout  # an option first asks the top-level parser: every command
    assert all(f"    {name} " in listed for name in ("scan", "staged", "pre-push", "history"))


def test_help_is_wrapped_to_the_terminal_width(cli):
    narrow, wide = (cli("scan", "--help", env={"COLUMNS": columns}).stdout.splitlines()
                    for columns in ("50", "120"))
    assert 100 < max(map(len, wide)) <= 118 and len(narrow) > len(wide)


def test_several_folders_keep_their_names_apart(tmp_path, cli):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "creds.txt").write_text(f"token={GITHUB_PAT}\n")
    report = json.loads(cli("scan", "one", "two", "-f", "json", cwd=tmp_path).stdout)
    assert sorted(f["path"] for f in report["findings"]) == ["one/creds.txt", "two/creds.txt"]
    single = json.loads(cli("scan", "one", "-f", "json", cwd=tmp_path).stdout)
    assert [f["path"] for f in single["findings"]] == ["creds.txt"]
