"""The diff parser on real `git diff` output: names, line numbers and lines that look like headers."""
import subprocess

from scanner.sources.diff import FileChange, parse_patches, unquote
from scanner.sources.git import SAFE_DIFF, git_command, git_env


def staged_diff(repo) -> list[FileChange]:
    out = subprocess.run(git_command(["diff", "--cached", "-p", "-U0", "-M", *SAFE_DIFF]), cwd=repo.path,
                         capture_output=True, env=git_env(), check=True).stdout
    return [item for item in parse_patches(out.splitlines(keepends=True)) if isinstance(item, FileChange)]


def test_lines_that_look_like_diff_headers_are_content(git_repo):
    repo = git_repo()
    repo.commit("base", **{"a.txt": "keep\n"})
    tricky = ["++ b/other.txt", "-- a/x", "diff --git a/y b/y", "@@ -1 +1 @@", "\\ No newline", "index 1..2"]
    repo.write("a.txt", "keep\n" + "\n".join(tricky) + "\n")
    repo.add()
    [change] = staged_diff(repo)
    assert change.path == "a.txt"
    assert change.added == [(n + 2, line.encode()) for n, line in enumerate(tricky)]


def test_line_numbers_of_several_hunks_and_a_missing_final_newline(git_repo):
    repo = git_repo()
    repo.commit("base", **{"f.txt": "".join(f"line {n}\n" for n in range(1, 11))})
    lines = [f"line {n}" for n in range(1, 11)]
    lines[1] = "changed 2"
    lines.insert(6, "inserted")
    del lines[9]
    repo.write("f.txt", "\n".join(lines) + "\nno newline at end")
    repo.add()
    [change] = staged_diff(repo)
    assert change.added == [(2, b"changed 2"), (7, b"inserted"), (11, b"no newline at end")]


def test_names_are_recovered_exactly(git_repo):
    repo = git_repo()
    names = ["plain.txt", "with space.txt", "new\nline", 'q"uote', "tab\there", "caf\u00e9 \u2603.txt", "a b/c d.txt"]
    for name in names:
        repo.write(name, "x\n")
    repo.write("binary.bin", b"\0\1\2")
    repo.write("empty file", "")
    repo.add()
    changes = staged_diff(repo)
    assert sorted(c.path for c in changes) == sorted(names + ["binary.bin", "empty file"])
    by_path = {c.path: c for c in changes}
    assert by_path["binary.bin"].binary and by_path["binary.bin"].new_file
    assert by_path["empty file"].added == [] and by_path["empty file"].new_file


def test_a_rename_takes_the_new_name(git_repo):
    repo = git_repo()
    body = "".join(f"row {n}\n" for n in range(30))
    repo.commit("base", **{"dir one/old name.txt": body})
    (repo.path / "dir two").mkdir()
    repo.git("mv", "dir one/old name.txt", "dir two/new n\u00e4me.txt")
    repo.write("dir two/new n\u00e4me.txt", body + "added\n")
    repo.add()
    [change] = staged_diff(repo)
    assert (change.path, change.added, change.new_file) == ("dir two/new n\u00e4me.txt", [(31, b"added")], False)


def test_unquote_handles_escapes_and_octal_utf8():
    assert unquote(b'"a\\tb\\n\\"c\\"\\\\"') == b'a\tb\n"c"\\'
    assert unquote(b'"caf\\303\\251"') == "café".encode()
    assert unquote(b"plain name") == b"plain name"
