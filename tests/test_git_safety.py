"""A scanned repository's own config must never run code: fsmonitor, diff drivers, textconv,
filters, pagers, signature checkers."""
import json

from fakes import TOKEN_LINE



def booby_trap(repo, marker):
    """Point every program-running setting of this repository at a script that leaves a marker."""
    script = repo.path.parent / "trap.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{marker}'\nexit 0\n")
    script.chmod(0o755)
    for key, value in [("core.fsmonitor", script), ("diff.external", script), ("diff.trap.textconv", script),
                       ("diff.trap.command", script), ("filter.trap.clean", script), ("filter.trap.smudge", script),
                       ("filter.trap.process", script), ("core.pager", script), ("pager.log", script),
                       ("log.showSignature", "true"), ("gpg.program", script), ("core.hooksPath", script.parent),
                       ("core.alternateRefsCommand", script)]:
        repo.git("config", key, str(value))
    repo.write(".gitattributes", "* diff=trap filter=trap\n")


def test_scans_never_run_the_repository_s_programs(git_repo, cli, tmp_path):
    marker = tmp_path / "ran"
    repo = git_repo()
    repo.commit("base", **{"a.txt": "a\n"})
    repo.commit("leak", **{"b.txt": TOKEN_LINE})
    repo.write("c.txt", TOKEN_LINE)
    repo.add("c.txt")
    booby_trap(repo, marker)
    # The trap works: plain git, asked the same questions, runs it.
    repo.run("diff", "--cached", "HEAD~1")
    assert marker.exists()
    marker.unlink()

    assert cli("staged", cwd=repo.path).returncode == 1
    push_line = f"refs/heads/main {repo.head()} refs/heads/main {'0' * 40}\n"
    assert cli("pre-push", "origin", "url", cwd=repo.path, input=push_line).returncode == 1
    report = json.loads(cli("history", "-f", "json", cwd=repo.path).stdout)
    assert {f["path"] for f in report["findings"]} == {"b.txt"}
    assert not marker.exists(), marker.read_text()
