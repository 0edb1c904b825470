"""Validation of wire files against the IPTC's schemas, shipped in importer/schemas/.

ninjs items are checked with jsonschema against the schema of their series (1.x -> 1.6, 2.x ->
2.2, 3.x -> 3.1); NewsML-G2 documents with lxml against the 2.35 XSD (it loads in a few
milliseconds, so every file is checked). Problems name the JSON path ($.bodies[0]) or the XML
line. Nothing is fetched: the GeoJSON schema the ninjs schemas refer to is read as "anything".
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import as_file, files

import lxml.etree
from jsonschema import validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = files("dateline.importer") / "schemas"
NINJS_SCHEMA = {"1": "ninjs-schema_1.6.json", "2": "ninjs-schema_2.2.json", "3": "ninjs-schema_3.1.json"}
NEWSML_XSD = "NewsML-G2_2.35-spec-All-Power.xsd"
MAX_PROBLEMS = 5


def _no_fetching(uri: str) -> Resource:
    return Resource.from_contents({}, default_specification=DRAFT202012)


@lru_cache(maxsize=3)
def ninjs_validator(series: str):
    schema = json.loads((SCHEMAS / NINJS_SCHEMA[series]).read_text(encoding="utf-8"))
    cls = validators.validator_for(schema)
    return cls(schema, registry=Registry(retrieve=_no_fetching))


def ninjs_problems(item: dict, series: str) -> list[str]:
    """What breaks the series' schema, as "$.path: message", at most MAX_PROBLEMS of them."""
    errors = sorted(ninjs_validator(series).iter_errors(item), key=lambda e: list(map(str, e.absolute_path)))
    problems = [f"{error.json_path}: {_short(error.message)}" for error in errors[:MAX_PROBLEMS]]
    if len(errors) > MAX_PROBLEMS:
        problems.append(f"and {len(errors) - MAX_PROBLEMS} more")
    return problems


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


@lru_cache(maxsize=1)
def newsml_schema() -> lxml.etree.XMLSchema:
    # The XSD imports xml.xsd by a relative name: parse it from its folder as a file path.
    with as_file(SCHEMAS / NEWSML_XSD) as path:
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
        return lxml.etree.XMLSchema(lxml.etree.parse(str(path), parser))


def newsml_problems(document) -> list[tuple[int, str]]:
    """(line, message) for each way the document breaks the NewsML-G2 2.35 schema."""
    schema = newsml_schema()
    if schema.validate(document):
        return []
    errors = list(schema.error_log)
    problems = [(error.line, _short(error.message)) for error in errors[:MAX_PROBLEMS]]
    if len(errors) > MAX_PROBLEMS:
        problems.append((errors[MAX_PROBLEMS].line, f"and {len(errors) - MAX_PROBLEMS} more"))
    return problems
