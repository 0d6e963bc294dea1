"""Native git hooks (for teams without the pre-commit framework): install, chain, uninstall.

An existing hook is never overwritten silently: it is kept beside ours as `<hook>.pre-hushgate`
and run first (or --force replaces it). The hooks directory is git's own answer, so
core.hooksPath and linked worktrees are respected.
"""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from .errors import HushgateError
from .sources.git import run_git, try_git

MARKER = "# hushgate-hook"
CHAINED_SUFFIX = ".pre-hushgate"
HOOKS = {"pre-commit": ("staged", "git commit --no-verify"), "pre-push": ("pre-push", "git push --no-verify")}


def launcher(bypass: str) -> str:
    """Python code the hook runs. Not `python -m scanner`: that puts the hook's working directory
    (the repository) first on sys.path, and a repository with its own `scanner/` folder would
    run its code instead of ours."""
    return f"""import sys
sys.path[:] = [p for p in sys.path if p not in ("", ".")]
try:
    from scanner.cli.main import entry
except ImportError:
    sys.exit("hushgate: no longer installed in " + sys.executable + "; reinstall it and run "
             "hushgate install again, or bypass this check once: {bypass}")
entry()
"""


def hooks_dir(repo_dir: str) -> Path:
    answer = run_git(["rev-parse", "--git-path", "hooks"], cwd=repo_dir).decode().strip()
    return Path(repo_dir, answer)


def hooks_path_setting(repo_dir: str) -> str | None:
    value = try_git(["config", "--get", "core.hooksPath"], cwd=repo_dir)
    return value.decode().strip() if value else None


def hook_script(kind: str, python: str = sys.executable) -> str:
    command, bypass = HOOKS[kind]
    chained = f'"$(dirname "$0")/{kind}{CHAINED_SUFFIX}"'
    if kind == "pre-push":  # both hooks read git's lines on stdin: keep them for the second one
        run_chained = f'printf \'%s\\n\' "$input" | {chained} "$@" || exit $?'
        run = 'printf \'%s\\n\' "$input" | "$@"\n    exit $?'
        read_input = 'input=$(cat)\n'
    else:
        run_chained = f'{chained} "$@" || exit $?'
        run = 'exec "$@"'
        read_input = ""
    return f"""#!/bin/sh
{MARKER}: {kind} (installed by `hushgate install`; remove it with `hushgate uninstall`)
# Blocked by mistake? Mark the line with a `hushgate:allow` comment, or baseline the finding.
# To bypass it once, on your own responsibility: {bypass}
{read_input}if [ -x {chained} ]; then
    {run_chained}
fi
run_hushgate() {{
    {run}
}}
python={shlex.quote(python)}
if [ -x "$python" ]; then
    run_hushgate "$python" -c {shlex.quote(launcher(bypass))} {command} "$@"
elif command -v hushgate >/dev/null 2>&1; then
    run_hushgate hushgate {command} "$@"
fi
echo "hushgate: not found (was its Python environment removed?); reinstall it, or bypass once: {bypass}" >&2
exit 1
"""


def is_ours(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return MARKER.encode() in handle.read(512)
    except OSError:
        return False


def write_hook(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.hushgate-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o755)
    os.replace(temporary, path)


def install(repo_dir: str, kind: str, force: bool = False) -> str:
    """Install one hook; returns what was done, in a sentence."""
    directory = hooks_dir(repo_dir)
    directory.mkdir(parents=True, exist_ok=True)
    hook, chained = directory / kind, directory / f"{kind}{CHAINED_SUFFIX}"
    where = f"{hook}"
    if hooks_path_setting(repo_dir):
        where += " (the core.hooksPath directory: every repository using it gets this hook)"
    if is_ours(hook):
        write_hook(hook, hook_script(kind))
        return f"updated the hushgate {kind} hook in {where}"
    if os.path.lexists(hook):
        if force:
            write_hook(hook, hook_script(kind))
            return f"replaced the existing {kind} hook with hushgate's in {where} (--force: the old one is gone)"
        if os.path.lexists(chained):
            raise HushgateError(f"{hook} exists and so does {chained}; move one of them away, "
                                f"or pass --force to replace {hook}")
        os.replace(hook, chained)
        write_hook(hook, hook_script(kind))
        return (f"installed the hushgate {kind} hook in {where}; your existing hook was kept as "
                f"{chained.name} and runs first")
    write_hook(hook, hook_script(kind))
    return f"installed the hushgate {kind} hook in {where}"


def uninstall(repo_dir: str, kind: str) -> str | None:
    """Remove our hook (restoring a hook it chained to); None when there is none of ours."""
    directory = hooks_dir(repo_dir)
    hook, chained = directory / kind, directory / f"{kind}{CHAINED_SUFFIX}"
    if not is_ours(hook):
        return None
    hook.unlink()
    if os.path.lexists(chained):
        os.replace(chained, hook)
        return f"removed the hushgate {kind} hook; your previous hook is back in place"
    return f"removed the hushgate {kind} hook"
