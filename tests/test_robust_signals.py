"""Ctrl-C, concurrent hooks, a full disk and a closed pipe: each ends cleanly, in one line, with
nothing left behind that looks complete."""
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time

import pytest

from fakes import ACME_PACK, SLOW_INPUT, SLOW_RULE, TOKEN_LINE

from scanner.sources.history import SMALL_HISTORY

BUSY = {"HUSHGATE_REGEX_TIMEOUT": "60"}


def fake_token(number: int) -> str:
    """Distinct synthetic GitHub-shaped tokens (so baselines and reports grow with the count)."""
    import random

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    chooser = random.Random(number)
    return "ghp_" + "".join(chooser.choice(alphabet) for _ in range(36))


def start(args, cwd, env=None, **options):
    return subprocess.Popen([sys.executable, "-m", "scanner", *map(str, args)], cwd=cwd,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, **options)


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(item) for item in out.split()]


def wait_until(condition, what: str, limit: float = 60.0):
    """Poll for a state of the process under test (not a timing assertion: the limit only stops a hang)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached: {what}")
        time.sleep(0.05)


def interrupt(process) -> tuple[str, str]:
    """Ctrl-C as a terminal sends it: to the whole process group."""
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return out.decode(), err.decode()


def unread(pipe: int) -> int:
    import array
    import fcntl
    import termios

    count = array.array("i", [0])
    fcntl.ioctl(pipe, termios.FIONREAD, count)
    return count[0]


def is_running(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_ctrl_c_during_scan_exits_130_with_a_partial_summary(tmp_path):
    (tmp_path / "a.txt").write_text(TOKEN_LINE)
    (tmp_path / "b.txt").write_text("clean\n")
    read_end, write_end = os.pipe()  # stdin stays open: the scan waits on it after the files
    process = start(["scan", ".", "-"], tmp_path, stdin=read_end)
    os.close(read_end)
    os.write(write_end, b"partial input\n")
    # Standard input is read after the files: once our bytes are gone from the pipe, the scan is
    # past the files and blocked on more input.
    wait_until(lambda: unread(write_end) == 0, "files scanned, stdin being read")
    out, err = interrupt(process)
    os.close(write_end)
    assert process.returncode == 130
    # The byte count includes however much of stdin was read before the interrupt.
    assert re.fullmatch(r"hushgate: interrupted: 1 secret found so far in 2 files \(\d+ B\) before the "
                        r"interrupt; the scan is incomplete\n", err), err
    assert out == ""


def test_ctrl_c_during_a_pooled_scan_leaves_no_worker_and_no_traceback(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_RULE)
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(4):
        (tree / f"f{number}.txt").write_text(SLOW_INPUT * 20_000)  # 1.6 MB each: the pool runs
    process = start(["scan", tree, "--rules", tmp_path / "slow.toml", "--no-default-rules", "--engine",
                     "portable", "-j", "2"], tmp_path, env=BUSY)
    wait_until(lambda: len(children(process.pid)) >= 2, "two workers")
    workers = children(process.pid)
    wait_until(lambda: all(cpu_seconds(pid) > 0.3 for pid in workers), "workers busy in the slow rule")
    out, err = interrupt(process)
    assert process.returncode == 130
    assert err.startswith("hushgate: interrupted") and err.count("\n") == 1, err
    wait_until(lambda: not any(is_running(pid) for pid in workers), "workers gone", limit=10)


def test_ctrl_c_during_history_exits_130_with_a_partial_summary(git_repo, tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_RULE)
    repo = git_repo()
    many = {f"docs/page{n}.md": f"page {n}\n" for n in range(SMALL_HISTORY)}  # enough for parts
    repo.commit("one", **{"a.txt": TOKEN_LINE, "b.txt": SLOW_INPUT, **many})
    process = start(["history", "--rules", tmp_path / "slow.toml", "--engine", "portable"], repo.path, env=BUSY)
    # The walk runs in the main process, the scan in the parts it deals paths to.
    wait_until(lambda: any(cpu_seconds(pid) > 1.5 for pid in children(process.pid)), "history busy in the slow rule")
    workers = children(process.pid)
    out, err = interrupt(process)
    assert process.returncode == 130
    assert re.fullmatch(r"hushgate: interrupted: \d+ secrets? found so far in \d+ files \(.*\) before the "
                        r"interrupt; the scan is incomplete\n", err), err
    wait_until(lambda: not any(is_running(pid) for pid in workers), "workers gone", limit=10)


def test_two_hooks_at_once_on_an_empty_cache_both_work(git_repo, tmp_path):
    repo = git_repo()
    repo.commit("base", **{"a.txt": "a\n"})
    repo.write("b.txt", TOKEN_LINE)
    repo.add("b.txt")
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "HUSHGATE_FINGERPRINT_KEY"}  # the key file races too
    env["HUSHGATE_CACHE_DIR"] = str(cache)
    # A pack of our own: its database is not the one an installed wheel ships, so both compile it.
    (tmp_path / "acme.toml").write_text(ACME_PACK)
    command = [sys.executable, "-m", "scanner", "staged", "-f", "json", "--rules", str(tmp_path / "acme.toml")]
    runs = [subprocess.Popen(command, cwd=repo.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)]
    results = [(run.communicate(timeout=120), run.returncode) for run in runs]
    reports = []
    for (out, err), code in results:
        assert code == 1, err
        assert err.decode().startswith("hushgate: blocked")
        reports.append(json.loads(out))
    assert reports[0]["findings"] == reports[1]["findings"]  # same key, same fingerprints
    assert sorted(p.suffix for p in cache.iterdir()) == [".db", ".json"]  # whole entries, no temp files
    again = subprocess.run(command, cwd=repo.path, env=env, capture_output=True)
    assert json.loads(again.stdout)["findings"] == reports[0]["findings"]


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 10, 4 << 10))


@pytest.mark.parametrize("args, target", [
    (["scan", "tree", "-f", "json", "-o", "out/report.json"], "out/report.json"),
    (["scan", "tree", "-f", "console", "--report", "html:out/report.html"], "out/report.html"),
    (["baseline", "create", "tree", "-o", "out/baseline.json"], "out/baseline.json"),
])
def test_full_disk_leaves_no_truncated_file(tmp_path, args, target):
    """RLIMIT_FSIZE makes every write past 4 KB fail with EFBIG, as a full disk fails them."""
    (tmp_path / "tree").mkdir()
    (tmp_path / "out").mkdir()
    for number in range(200):
        (tmp_path / "tree" / f"f{number}.txt").write_text(f'token = "{fake_token(number)}"\n')
    done = subprocess.run([sys.executable, "-m", "scanner", *args], cwd=tmp_path, capture_output=True, text=True,
                          preexec_fn=limit_file_size, timeout=120)
    assert done.returncode == 2
    assert done.stderr.endswith(f"cannot write report {target}: File too large\n") or \
        f"cannot write report {target}: File too large" in done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr
    assert list((tmp_path / "out").iterdir()) == []


def test_report_to_a_full_stdout_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(TOKEN_LINE)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "scanner", "scan", tmp_path], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "hushgate: error: cannot write the report to standard output: No space left on device\n"


def test_closed_pipe_ends_quietly(tmp_path):
    """`hushgate scan | head -1`: the reader is gone before the report is written."""
    (tmp_path / "a.txt").write_text(TOKEN_LINE)
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run([sys.executable, "-m", "scanner", "scan", tmp_path, "-f", "json"], stdout=write_end,
                          stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(write_end)
    assert done.returncode == 2 and done.stderr == ""
