"""`hushgate staged`: only what the index adds, on real repositories."""
import json

import pytest

from fakes import AWS_KEY_ID, GITHUB_PAT, TOKEN_LINE, secrets_file_text



def staged(cli, repo, *args):
    done = cli("staged", "-f", "json", *args, cwd=repo.path)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def places(report):
    return sorted((f["path"], f["line"], f["rule_id"]) for f in report["findings"])


def test_only_added_lines_are_reported_at_their_new_line_numbers(git_repo, cli):
    repo = git_repo()
    repo.commit("old secret", **{"app.cfg": f"a\nkey = {AWS_KEY_ID}\nb\nc\n"})
    repo.write("app.cfg", f"new first line\na\nkey = {AWS_KEY_ID}\nc\n{TOKEN_LINE}")  # b deleted
    repo.add()
    code, report = staged(cli, repo)
    assert code == 1
    assert places(report) == [("app.cfg", 5, "github-pat-classic")]


def test_unstaged_edits_are_not_reported_and_the_staged_content_is(git_repo, cli):
    repo = git_repo()
    repo.commit("base", **{"notes.txt": "hello\n"})
    repo.write("notes.txt", "hello\nstaged line\n")
    repo.add()
    repo.write("notes.txt", f"hello\nstaged line\n{TOKEN_LINE}")  # in the work tree only
    assert cli("staged", cwd=repo.path).returncode == 0
    repo.write("later.txt", TOKEN_LINE)
    repo.add("later.txt")
    repo.write("later.txt", "secret removed in the work tree, but the index still has it\n")
    code, report = staged(cli, repo)
    assert places(report) == [("later.txt", 1, "github-pat-classic")]


def test_initial_commit_on_an_unborn_branch(git_repo, cli):
    repo = git_repo()
    repo.write("settings.ini", secrets_file_text())
    repo.add()
    code, report = staged(cli, repo)
    assert code == 1
    assert {f["rule_id"] for f in report["findings"]} >= {"aws-access-key-id", "github-pat-classic"}


def test_a_rename_reports_only_the_lines_it_adds(git_repo, cli):
    repo = git_repo()
    body = f"key = '{AWS_KEY_ID}'\n" + "".join(f"setting_{n} = {n}\n" for n in range(20))
    repo.commit("base", **{"old.py": body})
    repo.git("mv", "old.py", "new.py")
    repo.write("new.py", body + TOKEN_LINE)
    repo.add()
    code, report = staged(cli, repo)
    assert places(report) == [("new.py", 22, "github-pat-classic")]


ODD_NAMES = ["with space.txt", "ünïcödé/ファイル.txt", "new\nline.txt", "tab\tand \"quote\".txt",
             "\x1b[31mred.txt", "back\\slash.txt"]


def test_odd_file_names_are_found_and_shown_exactly_in_json(git_repo, cli):
    repo = git_repo()
    for name in ODD_NAMES:
        repo.write(name, f"line one\n{TOKEN_LINE}")
    repo.add()
    code, report = staged(cli, repo)
    assert places(report) == sorted((name, 2, "github-pat-classic") for name in ODD_NAMES)


def test_console_output_escapes_terminal_sequences_in_names(git_repo, cli):
    repo = git_repo()
    repo.write("\x1b[2Jwipe.txt", TOKEN_LINE)
    repo.add()
    done = cli("staged", cwd=repo.path)
    assert done.returncode == 1
    assert "\x1b" not in done.stdout and "\\x1b[2Jwipe.txt" in done.stdout


def test_binary_files_are_skipped_and_counted(git_repo, cli):
    repo = git_repo()
    repo.write("blob.dat", b"\x00\x01binary\x00" + TOKEN_LINE.encode())
    repo.write("ok.txt", "fine\n")
    repo.add()
    code, report = staged(cli, repo)
    assert code == 0
    assert report["summary"]["skipped_by_reason"] == {"binary": 1}


def test_a_staged_submodule_is_skipped_with_a_note(git_repo, cli):
    repo = git_repo()
    commit = repo.commit("base", **{"a.txt": "a\n"})
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},vendor/lib")
    done = cli("staged", "-v", cwd=repo.path)
    assert done.returncode == 0
    assert "vendor/lib: submodule skipped" in done.stderr


def test_given_files_limit_the_scan(git_repo, cli):
    repo = git_repo()
    repo.write("one.txt", TOKEN_LINE)
    repo.write("two.txt", TOKEN_LINE)
    repo.add()
    code, report = staged(cli, repo, "two.txt")
    assert places(report) == [("two.txt", 1, "github-pat-classic")]


def test_a_given_file_without_staged_changes_is_scanned_whole(git_repo, cli):
    repo = git_repo()
    repo.commit("committed earlier", **{"old.env": f"x=1\nTOKEN={GITHUB_PAT}\n"})
    code, report = staged(cli, repo, "old.env")
    assert code == 1
    assert places(report) == [("old.env", 2, "github-pat-classic")]


def test_given_names_are_relative_to_the_current_directory(git_repo, cli):
    repo = git_repo()
    repo.write("sub/dir/conf.txt", TOKEN_LINE)
    repo.write("other.txt", TOKEN_LINE)
    repo.add()
    done = cli("staged", "-f", "json", "conf.txt", cwd=repo.path / "sub" / "dir")
    assert places(json.loads(done.stdout)) == [("sub/dir/conf.txt", 1, "github-pat-classic")]


def test_a_clean_commit_is_silent_unless_verbose(git_repo, cli):
    repo = git_repo()
    repo.write("readme.md", "nothing to see\n")
    repo.add()
    quiet = cli("staged", cwd=repo.path)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert "No secrets found" in cli("staged", "-v", cwd=repo.path).stdout


def test_a_block_says_how_to_allow_and_how_to_bypass(git_repo, cli):
    repo = git_repo()
    repo.write("leak.txt", TOKEN_LINE)
    repo.add()
    done = cli("staged", cwd=repo.path)
    assert done.returncode == 1
    assert GITHUB_PAT not in done.stdout + done.stderr
    assert "hushgate:allow" in done.stdout and "git commit --no-verify" in done.stderr


def test_config_excludes_apply(git_repo, cli):
    repo = git_repo()
    repo.write(".hushgate.toml", 'exclude = ["fixtures/"]\n')
    repo.write("fixtures/fake.txt", TOKEN_LINE)
    repo.add()
    code, report = staged(cli, repo)
    assert code == 0 and report["summary"]["skipped_by_reason"] == {"excluded": 1}


def test_a_resolved_merge_in_progress_is_scanned(git_repo, cli):
    repo = git_repo()
    repo.commit("base", **{"conf.txt": "value = 1\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", **{"conf.txt": "value = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main", **{"conf.txt": "value = 3\n"})
    assert "CONFLICT" in repo.git("merge", "side", check=False)
    code, _ = staged(cli, repo)  # unmerged paths: nothing staged to scan yet
    assert code == 0
    repo.write("conf.txt", f"value = 3\n{TOKEN_LINE}")
    repo.add("conf.txt")
    code, report = staged(cli, repo)
    assert places(report) == [("conf.txt", 2, "github-pat-classic")]


@pytest.mark.parametrize("setup", ["not-a-repo", "bare"])
def test_no_work_tree_is_a_one_line_error(tmp_path, git_repo, cli, setup):
    where = tmp_path / "plain"
    where.mkdir()
    if setup == "bare":
        where = git_repo("bare.git", bare=True).path
    done = cli("staged", cwd=where)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert ("not a git repository" if setup == "not-a-repo" else "bare repository") in done.stderr


def test_a_fresh_repository_with_nothing_staged_is_clean(git_repo, cli):
    repo = git_repo()
    done = cli("staged", "-v", cwd=repo.path)
    assert done.returncode == 0 and "No secrets found" in done.stdout
