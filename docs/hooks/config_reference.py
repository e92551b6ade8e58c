"""MkDocs hook: render workflow/schemas/config.schema.yaml as the page config-reference.md.

The page is generated into every build (never committed), so the reference cannot drift from the
schema that Snakemake validates configs against. One table per top-level section: key, type,
default, description; nested objects are flattened into dotted keys; ``$ref`` into ``$defs`` is
resolved.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from mkdocs.structure.files import File

SCHEMA = Path("workflow") / "schemas" / "config.schema.yaml"
PAGE = "config-reference.md"


def _resolve(node: dict, root: dict) -> dict:
    """Follow a local ``$ref`` ("#/$defs/x"); keys beside the ref override the target's."""
    ref = node.get("$ref")
    if not ref:
        return node
    target = root
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return {**_resolve(target, root), **{k: v for k, v in node.items() if k != "$ref"}}


def _bounds(node: dict) -> str:
    parts = []
    for key, sign in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="),
                      ("exclusiveMaximum", "<")):
        if key in node:
            parts.append(f"{sign} {node[key]}")
    return f" ({', '.join(parts)})" if parts else ""


def _type(node: dict, root: dict) -> str:
    node = _resolve(node, root)
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            return " or ".join(_type(alt, root) for alt in node[combinator])
    if "enum" in node:
        return "one of " + ", ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    types = node.get("type", "any")
    types = types if isinstance(types, list) else [types]
    names = []
    for t in types:
        if t == "array":
            if "prefixItems" in node:
                names.append("array [" + ", ".join(_type(i, root) for i in node["prefixItems"]) + "]")
            elif isinstance(node.get("items"), dict):
                names.append(f"array of {_type(node['items'], root)}")
            else:
                names.append("array")
        else:
            names.append(t)
    return " or ".join(names) + _bounds(node)


def _cell(text: str) -> str:
    """One table cell: on one line, pipes escaped, and ``<name>`` shown as text, not HTML."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    parts = text.split("`")  # odd parts are code spans, shown literally already
    return "`".join(p if i % 2 else p.replace("<", "&lt;").replace(">", "&gt;")
                    for i, p in enumerate(parts))


def _default(node: dict) -> str:
    if "default" not in node:
        return ""
    return f"`{json.dumps(node['default'])}`"


def _rows(prefix: str, props: dict, root: dict) -> list[str]:
    rows = []
    for key, node in props.items():
        node = _resolve(node, root)
        name = f"{prefix}{key}"
        rows.append(f"| `{name}` | {_cell(_type(node, root))} | {_cell(_default(node))} | "
                    f"{_cell(node.get('description', ''))} |")
        if node.get("type") == "object" and node.get("properties"):
            rows.extend(_rows(f"{name}.", node["properties"], root))
    return rows


def render(schema: dict) -> str:
    header = ["| key | type | default | description |", "|---|---|---|---|"]
    required = set(schema.get("required", []))
    out = [
        "# Config reference",
        "",
        f"Generated from `{SCHEMA.as_posix()}` when the docs are built; the workflow validates every",
        "config against that schema, which rejects unknown keys. Required top-level keys: "
        + ", ".join(f"`{k}`" for k in sorted(required)) + ".",
        "",
        _cell(schema.get("description", "")),
        "",
    ]
    props = schema.get("properties", {})
    top = {k: v for k, v in props.items() if _resolve(v, schema).get("type") != "object"}
    sections = {k: v for k, v in props.items() if k not in top}
    if top:
        out += ["## Top level", "", *header, *_rows("", top, schema), ""]
    for key, node in sections.items():
        node = _resolve(node, schema)
        out += [f"## `{key}`", ""]
        if node.get("description"):
            out += [_cell(node["description"]), ""]
        out += [*header, *_rows(f"{key}.", node.get("properties", {}), schema), ""]
    return "\n".join(out)


def on_files(files, config):
    root = Path(config["config_file_path"]).parent
    schema = yaml.safe_load((root / SCHEMA).read_text())
    existing = files.get_file_from_path(PAGE)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, PAGE, content=render(schema)))
    return files
