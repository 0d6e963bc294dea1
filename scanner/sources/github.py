"""GitHub source: every repository of an organisation (or user), listed through the REST API.

Pages are followed through `Link: <...>; rel="next"` headers, only on the API's own host (the
token never goes anywhere else, and never through a redirect). When GitHub rate-limits (403 or
429 with Retry-After or X-RateLimit-Reset) the listing waits if the wait is within
`max_wait` seconds, and otherwise stops with a message saying when to come back.
"""
from __future__ import annotations

import base64
import json
import re
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

from .. import __version__
from ..errors import HushgateError
from .org import RepoRef, redact_url

DEFAULT_API = "https://api.github.com"
NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
ATTEMPTS = 5
TIMEOUT = 30


def list_repositories(owner: str, api_url: str = DEFAULT_API, token: str | None = None,
                      max_wait: float = 300) -> list[RepoRef]:
    api_url = api_url.rstrip("/")
    try:
        listing = all_pages(f"{api_url}/orgs/{quote(owner)}/repos?per_page=100&type=all", api_url, token,
                            max_wait)
    except NotFound:
        try:  # a user account rather than an organisation
            listing = all_pages(f"{api_url}/users/{quote(owner)}/repos?per_page=100&type=all", api_url, token,
                                max_wait)
        except NotFound:
            raise HushgateError(f"GitHub: no organisation or user named {owner!r} at {api_url} "
                                "(or the token cannot see it)") from None
    return [repo_ref(item, token) for item in listing]


def repo_ref(item: dict, token: str | None) -> RepoRef:
    try:
        url = item["clone_url"]
        name = item["full_name"]
    except (KeyError, TypeError):
        raise HushgateError("GitHub API: a repository entry without clone_url or full_name") from None
    header = None
    if token and url.startswith("https://"):
        header = "Authorization: Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return RepoRef(name, redact_url(url), "github", url=url, auth_header=header,
                   default_branch=item.get("default_branch"))


class NotFound(Exception):
    pass


def all_pages(url: str, api_url: str, token: str | None, max_wait: float) -> list:
    items = []
    api_origin = urlsplit(api_url)[:2]
    while url:
        if urlsplit(url)[:2] != api_origin:
            raise HushgateError(f"GitHub API: refusing to follow a page link to another host: {redact_url(url)}")
        body, headers = fetch(url, token, max_wait)
        try:
            page = json.loads(body)
        except ValueError:
            raise HushgateError(f"GitHub API: {url} did not answer with JSON") from None
        if not isinstance(page, list):
            raise HushgateError(f"GitHub API: {url} did not answer with a list of repositories")
        items += page
        match = NEXT_LINK.search(headers.get("Link", "") or "")
        url = match.group(1) if match else None
    return items


def fetch(url: str, token: str | None, max_wait: float) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.github+json",
                                                   "X-GitHub-Api-Version": "2022-11-28",
                                                   "User-Agent": f"hushgate/{__version__}"})
    if token:
        request.add_unredirected_header("Authorization", f"Bearer {token}")
    for _ in range(ATTEMPTS):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            headers = dict(error.headers or {})
            wait = rate_limit_wait(error.code, headers)
            if wait is None:
                raise http_failure(url, error) from None
            if wait > max_wait:
                raise HushgateError(
                    f"GitHub API rate limit reached ({url}): it lifts in {wait:.0f}s; run again then, or let "
                    f"hushgate wait with --rate-limit-wait {int(wait) + 1}") from None
            print(f"hushgate: GitHub API rate limit: waiting {wait:.0f}s", file=sys.stderr)
            time.sleep(wait)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise HushgateError(f"cannot reach the GitHub API at {url}: {reason}") from None
    raise HushgateError(f"GitHub API: still rate-limited after {ATTEMPTS} waits ({url})")


def rate_limit_wait(status: int, headers: dict) -> float | None:
    """Seconds to wait before asking again, or None when the error is not a rate limit."""
    if status not in (403, 429):
        return None
    retry_after = headers.get("Retry-After")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return 60.0
    if headers.get("X-RateLimit-Remaining") == "0" and headers.get("X-RateLimit-Reset"):
        try:
            return max(0.0, float(headers["X-RateLimit-Reset"]) - time.time()) + 1
        except ValueError:
            return 60.0
    return 60.0 if status == 429 else None


def http_failure(url: str, error: urllib.error.HTTPError) -> Exception:
    if error.code == 404:
        return NotFound()
    try:
        message = json.loads(error.read()).get("message", "")
    except (ValueError, AttributeError, OSError):
        message = ""
    if error.code == 401:
        return HushgateError(f"GitHub API refused the token ({message or 'bad credentials'}): check GITHUB_TOKEN "
                             "or --token")
    return HushgateError(f"GitHub API: {url} answered {error.code} {message or error.reason}")
