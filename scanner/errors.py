"""The one fatal error type: turned into a one-line message and exit code 2 by the CLI."""


class HushgateError(Exception):
    """A fatal, user-facing problem (bad input, bad config, runtime failure)."""

    exit_code = 2
