"""Domain operations of the emulator: functions over the store that know nothing of requests.

One module per concept. Each function takes the :class:`~retell_dsl.emulator.state.State`
and plain values (parsed request fields, ids), applies Retell's rules, writes the store and
returns stored documents; a broken rule raises an API-shaped
:class:`~retell_dsl.emulator.errors.ApiError`. The modules form a DAG (checked by
``tests/emulator/test_routes.py``); roughly, each uses only those before it:
``versions``, ``checks``, ``voices``, ``engines``, ``agents``, ``components``, ``phone_numbers``,
``knowledge_bases``, ``calls``, ``dialing``, ``batch_calls``, ``lifecycle``, ``chats``,
``tests_api``, ``conversation``.
"""

from __future__ import annotations

__all__: list[str] = []
