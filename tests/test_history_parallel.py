"""`hushgate history --jobs`: parts read, diff and scan their paths' versions; the report does not change."""
import json
import os
import random
from pathlib import Path

from fakes import GITHUB_PAT

from scanner.sources.history import SMALL_HISTORY


def filler(seed: int, size: int) -> str:
    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "config", "value", "request", "session", "= 1", "\n"]
    return " ".join(rng.choice(words) for _ in range(size // 6))


def test_parallel_history_gives_the_same_report(git_repo, cli):
    repo = git_repo()
    # More file versions than SMALL_HISTORY, so --jobs 2 starts its parts; copies of the token
    # file land in both parts.
    repo.commit("many files", **{f"docs/page{n}.md": f"page {n}\n" for n in range(SMALL_HISTORY)})
    for n in range(24):
        files = {"notes.txt": filler(n, 100_000)}
        if n == 9:
            files["settings.py"] = f'token = "{GITHUB_PAT}"\n'
        if n == 12:
            files.update({f"copy{k}/settings.py": f'token = "{GITHUB_PAT}"\n' for k in range(4)})
        repo.commit(f"change {n}", **files)
    reports = {}
    for jobs in ("1", "2"):
        done = cli("history", "-f", "json", "--jobs", jobs, cwd=repo.path)
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        report["summary"].pop("seconds")
        reports[jobs] = report
    assert reports["1"] == reports["2"]
    assert reports["2"]["summary"]["unique_blobs_scanned"] == SMALL_HISTORY + 25
    assert sorted(f["path"] for f in reports["2"]["findings"]) == [
        "copy0/settings.py", "copy1/settings.py", "copy2/settings.py", "copy3/settings.py", "settings.py"]


def test_a_corrupt_object_in_a_part_is_one_line_and_exit_2(git_repo, cli):
    repo = git_repo()
    repo.commit("many files", **{f"docs/page{n}.md": f"page {n}\n" for n in range(SMALL_HISTORY)})
    repo.commit("more", **{"notes.txt": filler(1, 5_000)})
    blob = repo.git("rev-parse", "HEAD:notes.txt")
    loose = Path(repo.path, ".git", "objects", blob[:2], blob[2:])
    os.chmod(loose, 0o644)
    loose.write_bytes(b"this is not a zlib stream")
    done = cli("history", "--jobs", "2", cwd=repo.path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert blob in done.stderr
