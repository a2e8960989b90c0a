#!/usr/bin/env python3
"""Extracts the facts Slipway's component catalog relies on from an upstream chart or operator, at the
exact tag a platform pins, from a local Git clone of the upstream project (no network).

    extract.py chart GIT_DIR PROJECT TAG CHART_PATH > catalog/charts/<chart>-<version>.json
    extract.py crds  GIT_DIR PROJECT TAG PATH [PATH ...] --out catalog/crds/<project>-<tag> [--kinds K1,K2]
    extract.py strings GIT_DIR PROJECT TAG OUT.json NAME=PATH:STRING [...]
    extract.py schema GIT_DIR PROJECT TAG CRD_PATH SCHEMA_PATH --out catalog/crds/<project>-<tag>

`chart` writes one JSON document: the provenance (project, tag, commit, path), Chart.yaml's name,
version, appVersion and dependencies, every path of values.yaml with the shape of its value, every image
the values name (registry, repository, tag), and the CustomResourceDefinitions the chart ships in crds/
or templates/. A `facts` object already present in the output file (pod labels and pods, read by hand in
the templates, with the file each comes from) is carried over unchanged.

`crds` writes, per CRD version that has a schema, `<group>/<kind>_<version>.json` (the
openAPIV3Schema, as upstream wrote it) and an `index.json` with provenance and the served/storage flags;
`--kinds` keeps only the kinds Slipway renders. `catalog/extract.sh` runs every extraction the catalog
keeps.

`strings` records where upstream source defines a name Slipway writes (an annotation, a label): for
each `NAME=PATH:STRING`, the first line of PATH at TAG holding STRING, into OUT.json under the
section given by PROJECT, keeping the other sections. It fails when a string is absent, so a name that
upstream does not define at the pinned tag cannot be kept.

`schema` is `crds` for an operator whose chart ships a CRD without a schema (`x-kubernetes-preserve-
unknown-fields`) and keeps the schema beside it, generated (kube-arangodb's
`pkg/crd/crds/<name>.schema.generated.yaml`, `<version>: {openAPIV3Schema: ...}`, which the operator puts
into the CRD with `--crd.validation-schema`): the stored version of the CRD at CRD_PATH, with the generated
schema of that version. That schema lists only `spec` and `status`; `apiVersion`, `kind` and
`metadata`, which the API server accepts on every object, are added as controller-gen writes them.

Only Python's standard library and PyYAML are used; Git is run read-only (`git show`, `git ls-tree`).
"""

import json
import os
import re
import subprocess
import sys

import yaml

# PyYAML resolves a bare `=` to the YAML 1.1 `value` tag, which SafeLoader cannot construct (the
# prometheus-operator AlertmanagerConfig CRD lists `=` in an enum); read it as the plain string it is.
yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", yaml.SafeLoader.construct_scalar)


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True).stdout


def show(git_dir, tag, path):
    return git(git_dir, "show", f"{tag}:{path}").decode()


def ls(git_dir, tag, path):
    out = git(git_dir, "ls-tree", "-r", "--name-only", tag, "--", path).decode()
    return [line for line in out.splitlines() if line]


def shape(value):
    if isinstance(value, dict):
        return "object" if value else "object{}"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "string"


def flatten(value, prefix, out):
    """Every path of the values, dotted (a key holding a dot is written in brackets), with its shape."""
    for key, child in value.items():
        key = str(key)
        path = f"{prefix}.{key}" if prefix and "." not in key else (f"{prefix}[{key}]" if prefix else key)
        out[path] = shape(child)
        if isinstance(child, dict):
            flatten(child, path, out)


def images(value, prefix, out):
    """Maps with a `repository` (Bitnami, Kong, most charts) or an `image` string beside a `tag`."""
    if not isinstance(value, dict):
        return
    if isinstance(value.get("repository"), str):
        out.append({
            "path": prefix,
            "registry": value.get("registry"),
            "repository": value["repository"],
            "tag": None if value.get("tag") is None else str(value.get("tag")),
        })
    elif isinstance(value.get("image"), str) and "tag" in value:
        out.append({
            "path": prefix,
            "registry": value.get("registry"),
            "repository": value["image"],
            "tag": None if value.get("tag") is None else str(value.get("tag")),
        })
    for key, child in value.items():
        images(child, f"{prefix}.{key}" if prefix else str(key), out)


def crd_documents(text):
    """CustomResourceDefinitions in a file; Helm template lines are blanked so the YAML parses."""
    if "CustomResourceDefinition" not in text:
        return []
    cleaned = "\n".join("" if line.strip().startswith("{{") else re.sub(r"\{\{.*?\}\}", "x", line)
                        for line in text.splitlines())
    try:
        docs = list(yaml.safe_load_all(cleaned))
    except yaml.YAMLError:
        return []
    return [doc for doc in docs if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"]


def crd_summary(doc):
    spec = doc.get("spec", {})
    return {
        "group": spec.get("group"),
        "kind": spec.get("names", {}).get("kind"),
        "versions": [{"name": v.get("name"), "served": v.get("served"), "storage": v.get("storage")}
                     for v in spec.get("versions", [])],
    }


def chart(git_dir, project, tag, chart_path, previous):
    commit = git(git_dir, "rev-list", "-n1", tag).decode().strip()
    meta = yaml.safe_load(show(git_dir, tag, f"{chart_path}/Chart.yaml"))
    values = yaml.safe_load(show(git_dir, tag, f"{chart_path}/values.yaml")) or {}
    paths = {}
    flatten(values, "", paths)
    found = []
    images(values, "", found)
    crds = []
    for path in ls(git_dir, tag, chart_path):
        if path.endswith((".yaml", ".yml")) and ("/crds/" in path or "/templates/" in path):
            for doc in crd_documents(show(git_dir, tag, path)):
                crds.append({**crd_summary(doc), "file": path})
    crds.sort(key=lambda it: (it["group"] or "", it["kind"] or ""))
    document = {
        "source": {"project": project, "tag": tag, "commit": commit, "path": chart_path,
                   "extracted_by": "catalog/extract.py chart"},
        "chart": {"name": meta.get("name"), "version": str(meta.get("version")),
                  "appVersion": str(meta.get("appVersion")),
                  "dependencies": [{k: str(v) for k, v in dep.items() if k in ("name", "version", "repository", "condition")}
                                   for dep in meta.get("dependencies") or []]},
        "images": found,
        "crds": crds,
        "values": paths,
    }
    if previous and "facts" in previous:
        document["facts"] = previous["facts"]
    return document


def crds(git_dir, project, tag, paths, out_dir, kinds=None):
    commit = git(git_dir, "rev-list", "-n1", tag).decode().strip()
    index_path = os.path.join(out_dir, "index.json")
    index = []
    for root in paths:
        for path in ls(git_dir, tag, root):
            if not path.endswith((".yaml", ".yml")):
                continue
            for doc in crd_documents(show(git_dir, tag, path)):
                summary = crd_summary(doc)
                if kinds and summary["kind"] not in kinds:
                    continue
                for version in doc["spec"].get("versions", []):
                    schema = (version.get("schema") or {}).get("openAPIV3Schema")
                    if schema is None:
                        continue
                    name = f"{summary['group']}/{summary['kind'].lower()}_{version['name']}.json"
                    os.makedirs(os.path.join(out_dir, summary["group"]), exist_ok=True)
                    with open(os.path.join(out_dir, name), "w") as f:
                        json.dump(schema, f, indent=1, sort_keys=True)
                        f.write("\n")
                    index.append({"group": summary["group"], "kind": summary["kind"], "version": version["name"],
                                  "served": version.get("served"), "storage": version.get("storage"),
                                  "file": name, "project": project, "tag": tag, "commit": commit, "path": path})
    index.sort(key=lambda it: (it["group"], it["kind"], it["version"]))
    with open(index_path, "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


def generated_schema(git_dir, project, tag, crd_path, schema_path, out_dir):
    commit = git(git_dir, "rev-list", "-n1", tag).decode().strip()
    [doc] = crd_documents(show(git_dir, tag, crd_path))
    summary = crd_summary(doc)
    schemas = yaml.safe_load(show(git_dir, tag, schema_path))
    os.makedirs(os.path.join(out_dir, summary["group"]), exist_ok=True)
    index = []
    for version in doc["spec"].get("versions", []):
        # The version it stores (and Slipway writes); the others are as large and unused.
        if not version.get("storage") or version["name"] not in schemas:
            continue
        schema = schemas[version["name"]]["openAPIV3Schema"]
        schema["properties"] = {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                "metadata": {"type": "object"}, **schema["properties"]}
        name = f"{summary['group']}/{summary['kind'].lower()}_{version['name']}.json"
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(schema, f, indent=1, sort_keys=True)
            f.write("\n")
        index.append({"group": summary["group"], "kind": summary["kind"], "version": version["name"],
                      "served": version.get("served"), "storage": version.get("storage"),
                      "file": name, "project": project, "tag": tag, "commit": commit, "path": schema_path,
                      "crd": crd_path})
    index.sort(key=lambda it: (it["group"], it["kind"], it["version"]))
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


def strings(git_dir, project, tag, out, items):
    commit = git(git_dir, "rev-list", "-n1", tag).decode().strip()
    document = {}
    if os.path.exists(out):
        with open(out) as f:
            document = json.load(f)
    names = {}
    for item in items:
        name, rest = item.split("=", 1)
        path, needle = rest.split(":", 1)
        lines = show(git_dir, tag, path).splitlines()
        found = next((number for number, line in enumerate(lines, 1) if needle in line), None)
        if found is None:
            sys.exit(f"{project} {tag}: {path} does not hold {needle!r}")
        names[name] = {"value": needle.strip('"'), "path": path, "line": found}
    document[project] = {"tag": tag, "commit": commit, "extracted_by": "catalog/extract.py strings", "names": names}
    with open(out, "w") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")


def main(argv):
    if len(argv) >= 6 and argv[1] == "chart":
        _, _, git_dir, project, tag, chart_path = argv[:6]
        out = argv[6] if len(argv) > 6 else None
        previous = None
        if out and os.path.exists(out):
            with open(out) as f:
                previous = json.load(f)
        document = chart(git_dir, project, tag, chart_path, previous)
        text = json.dumps(document, indent=1) + "\n"
        if out:
            with open(out, "w") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
    elif len(argv) >= 7 and argv[1] == "crds" and "--out" in argv:
        kinds = None
        if "--kinds" in argv:
            at = argv.index("--kinds")
            kinds = set(argv[at + 1].split(","))
            argv = argv[:at] + argv[at + 2:]
        at = argv.index("--out")
        crds(argv[2], argv[3], argv[4], argv[5:at], argv[at + 1], kinds)
    elif len(argv) == 9 and argv[1] == "schema" and argv[7] == "--out":
        generated_schema(argv[2], argv[3], argv[4], argv[5], argv[6], argv[8])
    elif len(argv) >= 7 and argv[1] == "strings":
        strings(argv[2], argv[3], argv[4], argv[5], argv[6:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
