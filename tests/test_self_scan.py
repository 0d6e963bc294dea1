"""The project passes its own scanner: fixtures are excluded by .hushgate.toml, docs use allow markers."""
import subprocess

from conftest import ROOT


def test_repository_passes_its_own_scan(cli):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    files = [name for name in tracked.stdout.splitlines() if (ROOT / name).is_file()]
    result = cli("scan", *files, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_repository_history_passes_its_own_scan(cli):
    result = cli("history", ROOT, "--no-progress", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
