"""A session's device as people name it: «Chrome на Windows», «Safari на iPhone», not the raw User-Agent.

ua-parser (Browserscope's maintained rules) reads the string; an agent it does not know keeps its raw
text, shortened, so that a session is never nameless. Parsed once per distinct string (a member's devices
repeat on every cabinet visit, and the pure-Python rules take milliseconds to match).
"""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

RAW_LIMIT = 80  # characters of an unknown agent shown as written
_OTHER = "Other"  # ua-parser's family for "not recognised"
_SYSTEMS = {"Mac OS X": "macOS"}


@lru_cache(maxsize=4096)
def device_parts(user_agent: str) -> tuple[str, str]:
    """(browser, system) such as ("Chrome 131", "Windows 10"); empty strings where the rules know nothing."""
    result = parse(user_agent[:1000])  # a User-Agent is one header line; no rule needs more
    browser = result.user_agent
    system = result.os
    name = f"{browser.family} {browser.major}" if browser and browser.major else (browser.family if browser else "")
    where = _SYSTEMS.get(system.family, system.family) if system else ""
    if system and system.major and system.family in ("Android", "iOS"):  # Windows 11 still says NT 10.0
        where = f"{system.family} {system.major}"
    if result.device and result.device.family not in (_OTHER, "Generic Smartphone", "Spider") \
            and result.device.family not in where and system and system.family == "iOS":
        where = result.device.family  # «Safari на iPhone» says more than «iOS 17»
    return ("" if name == _OTHER else name), ("" if where == _OTHER else where)


def device_name(user_agent: str | None, t) -> str:
    """«Chrome 131 на Windows 10» (t: the reader's words); the raw agent, shortened, when it is unknown."""
    if not user_agent:
        return "?"
    browser, system = device_parts(user_agent)
    if browser and system:
        return t("cabinet.device").format(browser=browser, system=system)
    return browser or system or user_agent[:RAW_LIMIT]
