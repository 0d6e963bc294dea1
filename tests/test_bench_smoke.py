"""bench/speed.py runs end to end: its smallest workload once, against the real betterleaks.
A smoke test only: speed itself is judged by running the benchmark, never by a unit test."""
import subprocess
import sys

import pytest

from conftest import ROOT


def test_quick_benchmark_prints_the_table(tmp_path):
    pytest.importorskip("betterleaks", reason="betterleaks is not installed (pip install '.[bench]')")
    command = [sys.executable, str(ROOT / "bench" / "speed.py"), "--quick", "--work-dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()[:2]
    assert header.split()[:4] == ["workload", "hushgate", "s", "betterleaks"]
    cells = row.split()
    assert cells[0] == "staged"
    assert float(cells[3]) > 0  # the time ratio
    found, expected = (int(n) for n in cells[-2].split("/"))  # the findings column
    assert found >= 1 and expected >= 1  # both tools see the staged fake key
