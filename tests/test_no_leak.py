"""hushgate must not become the leak: every command, every report format and every error path is
run on fixtures holding known fake secrets, and none of stdout, stderr, report files, baselines,
the cache, the home directory or the org datastore may hold one (unless --show-secrets asked).

A secret "leaks" when any 8 characters of it past the 4 a redacted preview may show turn up.
The canaries below are synthetic (generated for this test, valid only in shape) and appear in no
rule pack, so the rule cache cannot hold them either."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fakes import SLOW_RULE
from gitrepo import GitRepo

CANARIES = ("ghp_Th41TK7MxhScIVtkj4Hm6OH5KdyJ8f1QzMtG", "AKIAYPNLQZUFHPYSJUTG",
            "S4cd6HMhmdZphLIQ1gATVRcAVV8zbeb7Qw/dD4qF")
PAT, KEY_ID, AWS_SECRET = CANARIES
SETTINGS = f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {AWS_SECRET}\nGITHUB_TOKEN = \"{PAT}\"\n"
FINGERPRINT_KEY = "no-leak-fingerprint-key-0b1d"
# A user's pack whose own example holds a secret-shaped string: `rules test` may name the example,
# never print it whole. (Pack content, unlike scanned content, is cached with the rules.)
PACK_CANARY = "acme_Wq9Zt4Lx8Rv2Np6Ks3Jm7Hb5"
PACK = f'''
[[rules]]
id = "acme-token"
title = "Acme token"
regex = 'acme_([A-Za-z0-9]{{24}})'
keywords = ["acme_"]
[rules.examples]
positive = ["{PACK_CANARY}", "acme_short"]
negative = ["nothing"]
'''
SLOW_PACK = SLOW_RULE
FORMATS = ("json", "jsonl", "csv", "sarif", "junit", "html")


def leaked(text: str, secrets=CANARIES) -> list[str]:
    return [secret for secret in secrets
            if any(secret[i:i + 8] in text for i in range(4, len(secret) - 7))]


class World:
    """A repository with secrets committed, staged and about to be pushed; a folder of
    repositories for org scans; and every output, collected."""

    def __init__(self, base: Path):
        self.base = base
        self.out = base / "out"
        self.out.mkdir()
        home = base / "home"
        home.mkdir()
        config = base / "gitconfig"
        config.write_text("[user]\n\tname = Test Author\n\temail = author@example.com\n"
                          "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
        self.env = {name: value for name, value in os.environ.items() if not name.startswith(("GIT_", "PRE_COMMIT"))}
        self.env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
                        HUSHGATE_CACHE_DIR=str(base / "cache"), HUSHGATE_FINGERPRINT_KEY=FINGERPRINT_KEY,
                        GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
        self.outputs: list[tuple[tuple, str, str]] = []
        (base / "acme.toml").write_text(PACK)
        (base / "slow.toml").write_text(SLOW_PACK)

    def run(self, *args, cwd=None, input=None, env=None, code=None, python=None):
        command = [sys.executable, *(python or ["-m", "scanner"]), *map(str, args)]
        done = subprocess.run(command, cwd=cwd or self.base, input=input, capture_output=True, text=True,
                              env={**self.env, **(env or {})}, timeout=300)
        self.outputs.append((args, done.stdout, done.stderr))
        assert "Traceback" not in done.stderr, (args, done.stderr)
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout[-500:], done.stderr[-500:])
        return done

    def written_files(self):
        """Everything hushgate may have written: reports, baselines, cache, home, datastore."""
        for folder in (self.out, self.base / "cache", self.base / "home"):
            yield from (path for path in folder.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = World(tmp_path_factory.mktemp("noleak"))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in world.env.items():
            patch.setenv(name, value)
        for name in list(os.environ):
            if name.startswith(("GIT_", "PRE_COMMIT")) and name not in world.env:
                patch.delenv(name)
        repos = world.base / "repos"
        repo = GitRepo(repos / "app")
        repo.commit("settings", **{"config/settings.env": SETTINGS})
        repo.commit("more", **{"deploy.sh": f"export GITHUB_TOKEN={PAT}\n"})
        repo.write("staged.env", SETTINGS)
        repo.add("staged.env")
        world.repo = repo
        world.push_line = f"refs/heads/main {repo.head()} refs/heads/main {'0' * 40}\n"
        run_every_command(world)
    return world


def run_every_command(world: World):
    repo, out = world.repo.path, world.out
    reports = [f"--report={fmt}:{out / ('scan.' + fmt)}" for fmt in FORMATS]
    world.run("scan", repo, *reports, code=1)
    for fmt in ("json", "sarif", "html", "csv"):
        world.run("scan", repo, "-f", fmt, code=1)
    world.run("staged", code=1, cwd=repo)
    world.run("staged", "-f", "json", "--report", f"junit:{out / 'staged.xml'}", code=1, cwd=repo)
    world.run("pre-push", "origin", "url", "--report", f"sarif:{out / 'push.sarif'}", input=world.push_line, code=1,
              cwd=repo)
    world.run("history", "--report", f"json:{out / 'history.json'}", "--report", f"html:{out / 'history.html'}",
              code=1, cwd=repo)
    world.run("history", "-f", "csv", code=1, cwd=repo)
    world.run("baseline", "create", repo, "-o", out / "baseline.json", code=0)
    world.run("baseline", "create", repo, "--history", "-o", out / "history-baseline.json", code=0)
    world.run("baseline", "prune", repo, "--baseline", out / "baseline.json", code=0)
    world.run("scan", repo, "--baseline", out / "baseline.json", code=0)
    world.run("rules", "test", world.base / "acme.toml", code=1)
    world.run("rules", "list", "--rules", world.base / "acme.toml", "--format", "json", code=0)
    db = out / "org.sqlite"
    world.run("org", "scan", world.base / "repos", "--db", db, "-j", "1", "--no-progress", "--clone-dir",
              world.base / "clones")
    for fmt in ("console", "json", "html", "sarif", "csv"):
        world.run("org", "report", "--db", db, "-f", fmt)
    run_error_paths(world)


def run_error_paths(world: World):
    repo, out = world.repo.path, world.out
    corrupt = world.base / "corrupt"
    corrupt.mkdir()
    # Broken files that themselves hold a secret: an error message must not quote them.
    (corrupt / "baseline.json").write_text(f'{{"version": 1, "key_id": {PAT}}}')
    world.run("scan", repo, "--baseline", corrupt / "baseline.json", code=2)
    (corrupt / "ignore.toml").write_text(f"[[ignore]]\nfingerprint = {PAT}\n")
    world.run("scan", repo, "--ignore-file", corrupt / "ignore.toml", code=2)
    (corrupt / "config.toml").write_text(f"rules = [{AWS_SECRET}\n")
    world.run("scan", repo, "--config", corrupt / "config.toml", code=2)
    (corrupt / "pack.toml").write_text(PACK.replace("acme_([A-Za-z0-9]{24})", f"({PAT}"))
    world.run("scan", repo, "--rules", corrupt / "pack.toml", code=2)
    (corrupt / "bad-id.toml").write_text(PACK.replace('id = "acme-token"', f'id = "{PAT} x"'))
    world.run("scan", repo, "--rules", corrupt / "bad-id.toml", code=2)
    world.run("pre-push", input=f"{PAT} {AWS_SECRET}\n", code=2, cwd=repo)
    world.run("pre-push", input=f"refs/heads/main {PAT} refs/heads/main {AWS_SECRET}\n", code=2, cwd=repo)
    # A rule running out of time on a file that holds secrets.
    slow = world.base / "slow-tree"
    slow.mkdir()
    (slow / "a.env").write_text("a" * 40 + "!\n" + SETTINGS)
    world.run("scan", slow, "--rules", world.base / "slow.toml", "--engine", "portable",
              env={"HUSHGATE_REGEX_TIMEOUT": "0.2"}, code=1)
    # An internal error whose message carries the data being scanned.
    inject = ("import sys\nimport scanner.pipeline as pipeline\n"
              "def broken(self, entry):\n    raise ValueError(open(entry.real).read())\n"
              "pipeline.Scanner.scan_file = broken\nfrom scanner.cli.main import main\nsys.exit(main())\n")
    done = world.run("scan", slow, "-j", "1", python=["-c", inject], code=2)
    assert done.stderr.startswith("hushgate: internal error: ValueError in scanner/"), done.stderr
    # The control: asked for, the secrets are shown, so the checks above would see a leak.
    world.show = world.run("scan", repo, "-f", "json", "--show-secrets", code=1)


def test_no_output_holds_a_secret(world):
    for args, stdout, stderr in world.outputs:
        if "--show-secrets" in args:
            continue
        assert leaked(stdout) == [], args
        assert leaked(stderr) == [], args
        assert FINGERPRINT_KEY not in stdout + stderr, args


def test_no_written_file_holds_a_secret(world):
    files = list(world.written_files())
    names = {path.name for path in files}
    assert {f"scan.{fmt}" for fmt in FORMATS} | {"baseline.json", "history-baseline.json", "org.sqlite",
                                                 "history.html", "push.sarif", "staged.xml"} <= names, names
    assert any(path.parent.name == "cache" for path in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        assert leaked(text) == [], path
        assert FINGERPRINT_KEY not in text, path


def test_rules_test_names_the_example_without_printing_it(world):
    outputs = [(stdout, stderr) for args, stdout, stderr in world.outputs if args[:2] == ("rules", "test")]
    assert outputs and "positive example not found: #2 of 2" in outputs[0][0]
    for stdout, stderr in outputs:
        assert leaked(stdout + stderr, (PACK_CANARY,)) == []


def test_the_control_shows_what_was_asked_for(world):
    report = json.loads(world.show.stdout)
    assert {f["secret"] for f in report["findings"]} >= set(CANARIES)
    assert leaked(world.show.stdout) == list(CANARIES)


def test_errors_were_reported_not_silenced(world):
    messages = [stderr for args, _, stderr in world.outputs if "corrupt" in " ".join(map(str, args))]
    assert len(messages) == 5 and all(m.startswith("hushgate: error:") and m.count("\n") == 1 for m in messages)
    timeout = next(stdout for args, stdout, _ in world.outputs if "slow.toml" in " ".join(map(str, args)))
    assert "rule 'slow-rule' ran out of time" in timeout
