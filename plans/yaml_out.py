"""Writing plan-file mappings as readable YAML."""

from typing import Any

import yaml


class _PlanDumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Long texts fold as blocks; everything else stays plain or quoted as YAML needs.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PlanDumper.add_representer(str, _str)


def dump_plan(data: dict[str, Any]) -> str:
    header = "# nap1325 plan file (docs/plan-file.md)\n"
    body = yaml.dump(
        data,
        Dumper=_PlanDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return header + body
