"""`hushgate history --jobs`: workers read and scan blob batches; the report does not change."""
import json
import random

from fakes import GITHUB_PAT


def filler(seed: int, size: int) -> str:
    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "config", "value", "request", "session", "= 1", "\n"]
    return " ".join(rng.choice(words) for _ in range(size // 6))


def test_parallel_history_gives_the_same_report(git_repo, cli):
    repo = git_repo()
    for n in range(24):  # ~2.4 MB of blobs: enough to start worker processes
        files = {"notes.txt": filler(n, 100_000)}
        if n == 9:
            files["settings.py"] = f'token = "{GITHUB_PAT}"\n'
        repo.commit(f"change {n}", **files)
    reports = {}
    for jobs in ("1", "2"):
        done = cli("history", "-f", "json", "--jobs", jobs, cwd=repo.path)
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        report["summary"].pop("seconds")
        reports[jobs] = report
    assert reports["1"] == reports["2"]
    assert reports["2"]["summary"]["unique_blobs_scanned"] == 25
    assert [f["rule_id"] for f in reports["2"]["findings"]] == ["github-pat-classic"]
