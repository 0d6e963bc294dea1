"""Patterns compiled on first use.

Most commits give the filters and decoders nothing to judge, and compiling their patterns at
import cost every hook start milliseconds; `regex`, which a few patterns need, costs 5 ms more
just to import. A `Lazy` pattern compiles when a method is first used and then keeps it.
"""
from __future__ import annotations

import re


class Lazy:
    def __init__(self, pattern, compile=re.compile):
        self.pattern, self.compile = pattern, compile

    def __getattr__(self, name: str):  # reached once per method: then the method is an attribute
        if "compiled" not in self.__dict__:
            self.compiled = self.compile(self.pattern)
        method = getattr(self.compiled, name)
        setattr(self, name, method)
        return method


def compile_with_regex(pattern):
    """For the patterns `re` handles badly: a variable-width lookbehind it lacks, or a repeat it
    runs ten times slower. `re` compiles the others far faster."""
    import regex

    return regex.compile(pattern)
