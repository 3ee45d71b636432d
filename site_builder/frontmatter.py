"""Split a Markdown file into front matter and body, keeping the line of every key.

Line numbers matter: editors get `file:line` for each problem, so we compose the YAML node
tree (which carries marks) instead of loading a plain dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that keeps dates as text: the model parses them and reports bad ones with their line."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class FrontMatter:
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # key -> 1-based line in the file
    body: str = ""
    body_line: int = 1  # 1-based line where the body starts

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def split(text: str) -> tuple[str | None, str, int]:
    """Return (yaml_text or None, body, body_start_line)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        return None, text, 1
    lines = text.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise FrontMatterError(1, 'front matter starts with "---" but never ends; add a closing "---" line')


def parse(text: str) -> FrontMatter:
    """Parse front matter; raise FrontMatterError with a 1-based file line on bad YAML."""
    raw, body, body_line = split(text)
    if raw is None or not raw.strip():
        return FrontMatter({}, {}, body, body_line)
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return FrontMatter({}, {}, body, body_line)
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(2, "front matter must be a mapping of `key: value` lines")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark else 2
        problem = exc.problem or "invalid YAML"
        raise FrontMatterError(line, f"front matter is not valid YAML: {problem}; "
                                     "check quotes and indentation (quote values that contain ':')") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    for key, value in node.value:
        lines[str(key.value)] = key.start_mark.line + 2
        _nested_lines(str(key.value), value, lines)
    return FrontMatter(data, lines, body, body_line)


def _nested_lines(prefix: str, node: yaml.Node, lines: dict[str, int]) -> None:
    """Lines inside lists: "questions.0" (an item), "questions.0.kind" (a key of it), so that an
    error in the third question points at the third question, not at `questions:`."""
    if isinstance(node, yaml.SequenceNode):
        children = [(str(index), item, item) for index, item in enumerate(node.value)]
    elif isinstance(node, yaml.MappingNode) and "." in prefix:  # top-level mappings are not item lists
        children = [(str(key.value), key, value) for key, value in node.value]
    else:
        return
    for name, marked, value in children:
        lines[f"{prefix}.{name}"] = marked.start_mark.line + 2
        _nested_lines(f"{prefix}.{name}", value, lines)
