"""Reads the YAML writer's corpus of every string class with readers other than Slipway's own tests.

tests/fixtures/yaml/every-class.yaml is what compiler/emit/yaml.rs writes for every-class.json (both kept
current by tests/yaml_roundtrip.rs). Each reader must give back exactly the JSON value:
- PyYAML's SafeLoader, pure Python (YAML 1.1, the reader of tests/validate-out.py);
- PyYAML's CSafeLoader, libyaml (YAML 1.1; Go's yaml.v2 and yaml.v3, in Kubernetes, kubectl, Helm and
  ArgoCD, are ports of libyaml's scanner);
- ruamel.yaml's pure safe loader (YAML 1.2).

Usage: python tests/yaml-readers.py
"""

import json
import math
import pathlib
import sys

import yaml
from ruamel.yaml import YAML

CORPUS = pathlib.Path(__file__).resolve().parent / "fixtures" / "yaml"


KINDS = (bool, int, float, str, dict, list, type(None))


def kind(value):
    """A value's JSON kind; ruamel.yaml gives subclasses of these. `bool` comes before `int`, its base."""
    return next(each for each in KINDS if isinstance(value, each))


def same(read, expected, path="$"):
    """The first difference between two values, kinds included (a string is never a number), or None."""
    if kind(read) is not kind(expected):
        return f"{path}: read {read!r} ({kind(read).__name__}), expected {expected!r} ({kind(expected).__name__})"
    if isinstance(expected, dict):
        if set(read) != set(expected):
            return f"{path}: keys {sorted(set(read) ^ set(expected))!r} differ"
        return next((d for key in expected if (d := same(read[key], expected[key], f"{path}[{key!r}]"))), None)
    if isinstance(expected, list):
        if len(read) != len(expected):
            return f"{path}: {len(read)} items, expected {len(expected)}"
        return next((d for i, item in enumerate(expected) if (d := same(read[i], item, f"{path}[{i}]"))), None)
    if isinstance(expected, float):
        equal = read == expected and math.copysign(1, read) == math.copysign(1, expected)
    else:
        equal = read == expected
    return None if equal else f"{path}: read {read!r}, expected {expected!r}"


def main():
    expected = json.loads((CORPUS / "every-class.json").read_text(encoding="utf-8"))
    text = (CORPUS / "every-class.yaml").read_text(encoding="utf-8")
    if not yaml.__with_libyaml__:
        print("error: this PyYAML has no libyaml (CSafeLoader)", file=sys.stderr)
        return 2
    readers = {
        "PyYAML SafeLoader (YAML 1.1)": lambda: yaml.load(text, Loader=yaml.SafeLoader),
        "PyYAML CSafeLoader, libyaml (YAML 1.1)": lambda: yaml.load(text, Loader=yaml.CSafeLoader),
        "ruamel.yaml safe (YAML 1.2)": lambda: YAML(typ="safe", pure=True).load(text),
    }
    failures = 0
    for name, read in readers.items():
        try:
            difference = same(read(), expected)
        except yaml.YAMLError as error:
            difference = f"does not parse: {error}"
        except Exception as error:  # ruamel's errors share no base class with PyYAML's
            difference = f"does not parse: {type(error).__name__}: {error}"
        if difference:
            failures += 1
            print(f"{name}: {difference}", file=sys.stderr)
    print(f"read the YAML writer's corpus ({len(text)} characters) with {len(readers)} readers: {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
