"""environment.yml installs what pyproject.toml declares; the Snakefile stays thin."""

import re
import tomllib

import yaml

from tests.helpers import ROOT


def requirement_names(requirements):
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = [r for r in pip if not r.startswith("-e")]
    assert sorted(pinned) == sorted(project["dependencies"])
    assert {"tensorflow", "keras", "scipy", "wfdb", "snakemake", "mlflow", "matplotlib"} <= \
        requirement_names(project["dependencies"])


def test_every_rule_has_log_and_benchmark():
    for path in (ROOT / "workflow" / "rules").glob("*.smk"):
        for rule in re.split(r"\n\s*rule\b", path.read_text())[1:]:  # named, and those built in loops
            assert "log:" in rule and "benchmark:" in rule, f"{path.name}: rule{rule.splitlines()[:3]}"
