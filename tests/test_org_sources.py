"""Org sources over HTTP: a GitHub organisation listed through a local stand-in of the REST API
(pagination, rate limits, Enterprise base URL), and clone URLs that ask for credentials."""
import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orgrepos import TOKEN_LINE, report

API_TOKEN = "test-api-token-not-a-secret"


class Server:
    """routes: path (with query) -> list of (status, headers, body); the last one repeats."""

    def __init__(self):
        self.routes: dict = {}
        self.seen: list = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.seen.append((self.path, dict(self.headers)))
                answers = server.routes.get(self.path) or server.routes.get("*") or [(404, {}, {"message": "Not Found"})]
                status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
                payload = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


def bare_repo(git_repo, name, **files):
    work = git_repo(f"work-{name.replace('/', '-')}")
    work.commit("start", **files)
    bare = git_repo(f"remote/{name}.git", bare=True)
    work.git("push", "-q", str(bare.path), "HEAD:refs/heads/main")
    bare.git("symbolic-ref", "HEAD", "refs/heads/main")
    return bare


def listing_entry(name, bare):
    return {"full_name": name, "clone_url": f"file://{bare.path}", "default_branch": "main", "fork": False}


def test_github_org_is_listed_page_by_page_through_a_rate_limit(git_repo, cli, tmp_path, server):
    api = bare_repo(git_repo, "acme/api", **{"settings.py": TOKEN_LINE})
    web = bare_repo(git_repo, "acme/web", **{"index.html": "<p>hi</p>\n"})
    fork = git_repo("remote/acme/api-fork.git", bare=True)
    fork.git("fetch", "-q", str(api.path), "+refs/heads/*:refs/heads/*")
    fork.git("symbolic-ref", "HEAD", "refs/heads/main")
    first = "/api/v3/orgs/acme/repos?per_page=100&type=all"
    second = "/api/v3/organizations/7/repos?per_page=100&type=all&page=2"
    server.routes[first] = [(200, {"Link": f'<{server.base}{second}>; rel="next", <{server.base}{second}>; rel="last"'},
                             [listing_entry("acme/api", api), listing_entry("acme/web", web)])]
    server.routes[second] = [(429, {"Retry-After": "1"}, {"message": "slow down"}),
                             (200, {}, [listing_entry("acme/api-fork", fork)])]
    db = tmp_path / "org.sqlite"
    started = time.monotonic()
    done = cli("org", "scan", "--github-org", "acme", "--github-api-url", f"{server.base}/api/v3", "--db", db,
               "--jobs", "1", "--no-progress", env={"GITHUB_TOKEN": API_TOKEN})
    assert done.returncode == 1, done.stderr
    assert time.monotonic() - started >= 1  # the Retry-After was honoured
    assert "3 repositories: 3 scanned" in done.stdout
    assert "rate limit: waiting 1s" in done.stderr
    assert [path for path, _ in server.seen] == [first, second, second]
    assert all(headers.get("Authorization") == f"Bearer {API_TOKEN}" for _, headers in server.seen)
    document = report(cli, db)
    assert {f["repo"] for f in document["findings"]} == {"acme/api", "acme/api-fork"}
    stored = [db.read_bytes()] + [p.read_bytes() for p in (tmp_path / "org.sqlite.repos").rglob("*") if p.is_file()]
    assert not any(API_TOKEN.encode() in blob for blob in stored)
    assert API_TOKEN not in done.stdout + done.stderr


def test_a_user_account_is_listed_and_a_long_rate_limit_stops_clearly(cli, tmp_path, server):
    reset = int(time.time()) + 3600
    server.routes["/users/someone/repos?per_page=100&type=all"] = [
        (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}, {"message": "API rate limit exceeded"})]
    done = cli("org", "scan", "--github-org", "someone", "--github-api-url", server.base, "--db",
               tmp_path / "org.sqlite", "--rate-limit-wait", "5")
    assert done.returncode == 2
    assert "rate limit reached" in done.stderr and "--rate-limit-wait 36" in done.stderr
    assert [path for path, _ in server.seen] == ["/orgs/someone/repos?per_page=100&type=all",
                                                 "/users/someone/repos?per_page=100&type=all"]
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_rejected_token_is_a_one_line_error(cli, tmp_path, server):
    server.routes["/orgs/acme/repos?per_page=100&type=all"] = [(401, {}, {"message": "Bad credentials"})]
    done = cli("org", "scan", "--github-org", "acme", "--github-api-url", server.base, "--db", tmp_path / "o.sqlite",
               env={"GITHUB_TOKEN": API_TOKEN})
    assert done.returncode == 2
    assert "refused the token (Bad credentials)" in done.stderr and API_TOKEN not in done.stderr


def test_a_clone_url_that_asks_for_credentials_fails_that_repo_without_prompting(git_repo, cli, tmp_path, server):
    server.routes["*"] = [(401, {"WWW-Authenticate": 'Basic realm="private"'}, b"authentication required")]
    good = bare_repo(git_repo, "good", **{"app.ini": TOKEN_LINE})
    marker = tmp_path / "askpass-ran"
    askpass = tmp_path / "askpass.sh"
    askpass.write_text(f"#!/bin/sh\ntouch {marker}\necho guessed\n")
    askpass.chmod(0o755)
    password = "hunter2-in-the-url"
    host = server.base.removeprefix("http://")
    listing = tmp_path / "repos.txt"
    listing.write_text(f"http://{host}/private.git\nhttp://deploy:{password}@{host}/other.git\nfile://{good.path}\n")
    db = tmp_path / "org.sqlite"
    done = cli("org", "scan", listing, "--db", db, "--jobs", "1", "--no-progress",
               env={"GIT_ASKPASS": str(askpass), "SSH_ASKPASS": str(askpass), "GIT_TERMINAL_PROMPT": "1"})
    assert done.returncode == 2, done.stderr
    assert "3 repositories: 1 scanned, 0 unchanged, 2 failed" in done.stdout
    assert not marker.exists()
    failures = [line for line in done.stdout.splitlines() if line.startswith("failed:")]
    assert len(failures) == 2 and all(host in line for line in failures)
    assert password not in done.stdout + done.stderr and password.encode() not in db.read_bytes()
    with sqlite3.connect(db) as connection:
        locations = {row[0] for row in connection.execute("SELECT location FROM repos")}
    assert f"http://***@{host}/other.git" in locations
