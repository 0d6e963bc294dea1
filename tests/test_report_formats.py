"""Every format from the one FORMATS map, several at once, none of them leaking a secret or the key."""
import json

import pytest

from fakes import ALL, secrets_file_text
from scanner.cli.options import REPORT_FORMATS
from scanner.report import FORMATS

KEY = "test-fingerprint-key"
FILE_FORMATS = sorted(set(FORMATS) - {"console"})


@pytest.fixture
def leaky(tmp_path):
    root = tmp_path / "leaky"
    root.mkdir()
    (root / "settings.env").write_text(secrets_file_text())
    return root


def test_cli_choices_come_from_the_formats_map(cli):
    assert REPORT_FORMATS == tuple(FORMATS)
    assert {"console", "json", "jsonl", "csv", "sarif", "junit", "html"} <= set(FORMATS)
    help_text = cli("scan", "--help").stdout
    assert all(name in help_text for name in FORMATS)


def test_every_report_at_once_and_none_leaks(leaky, tmp_path, cli):
    out = tmp_path / "out"
    out.mkdir()
    reports = [f"--report={fmt}:{out / ('report.' + fmt)}" for fmt in FILE_FORMATS]
    result = cli("scan", leaky, *reports)
    assert result.returncode == 1, result.stderr
    assert "3 secrets found" in result.stdout
    for fmt in FILE_FORMATS:
        text = (out / f"report.{fmt}").read_text(encoding="utf-8")
        assert "settings.env" in text, fmt
        assert not any(secret in text for secret in ALL), fmt
        assert KEY not in text, fmt
    assert len(json.loads((out / "report.sarif").read_text())["runs"][0]["results"]) == 3


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_format_and_output_select_each_format(leaky, tmp_path, cli, fmt):
    target = tmp_path / f"only.{fmt}"
    result = cli("scan", leaky, "--format", fmt, "--output", target)
    assert result.returncode == 1 and result.stdout == "" and target.stat().st_size > 0


def test_show_secrets_reveals_them_in_reports(leaky, tmp_path, cli):
    target = tmp_path / "report.csv"
    cli("scan", leaky, "--report", f"csv:{target}", "--show-secrets")
    assert all(secret in target.read_text() for secret in ALL)


def test_bad_report_spec_fails_before_scanning(leaky, cli):
    for spec in ("xml:out.xml", "sarif", "sarif:"):
        result = cli("scan", leaky, "--report", spec)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "FORMAT:FILE" in result.stderr


def test_a_report_into_a_pipe_leaves_the_pipe_in_place(leaky, tmp_path, cli):
    """`-o /dev/null` or `-o /dev/stdout` is written through, never renamed over: run as root,
    a rename would leave a regular file where the machine's /dev/null was. A FIFO stands in."""
    import os
    import stat
    import threading

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = cli("scan", leaky, "--format", "json", "--output", fifo)
    reader.join(timeout=60)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(json.loads(received[0])["findings"]) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaky", "report.fifo"]  # no temporary left
