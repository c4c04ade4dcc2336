"""Retell's rules for names and numbers in wire JSON: tool and state names, E.164 phone numbers.

>>> bool(TOOL_NAME.match("book_table")), bool(TOOL_NAME.match("book table"))
(True, False)
>>> bool(E164.match("+14155550100")), bool(E164.match("4155550100"))
(True, False)
"""

from __future__ import annotations

import re

__all__ = ["E164", "TOOL_NAME"]

#: Tool, state and function names: letters, digits, ``_`` and ``-``, at most 64 characters.
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: An E.164 phone number: ``+`` then up to 15 digits, not starting with 0.
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
