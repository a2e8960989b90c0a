#!/usr/bin/env python3
"""The scope (Namespaced or Cluster) of every custom resource kind in catalog/crds/*/index.json, read from the
CRD at its pinned tag in the mirrors (/work/.mirror/<owner>+<repo>/repo), written to catalog/crd-scopes.json.
compiler/validate/manifests.rs holds the same table; tests/manifests.rs checks that they agree."""
import glob, json, re, subprocess, sys

rows, seen = [], set()
for index in sorted(glob.glob("catalog/crds/*/index.json")):
    for entry in json.load(open(index)):
        key = (entry["group"], entry["kind"])
        if key in seen:
            continue
        seen.add(key)
        repo = "/work/.mirror/" + entry["project"].replace("/", "+") + "/repo"
        text = subprocess.run(["git", "-C", repo, "show", f"{entry['tag']}:{entry['path']}"],
                              capture_output=True, text=True, check=True).stdout
        scope = None
        for document in re.split(r"^---", text, flags=re.M):
            if re.search(r"^\s+kind:\s*" + entry["kind"] + r"\s*$", document, re.M):
                found = re.search(r"^\s*scope:\s*(\w+)", document, re.M)
                scope = found and found.group(1)
        if scope is None:
            sys.exit(f"no scope for {key}")
        rows.append({"group": entry["group"], "kind": entry["kind"], "scope": scope,
                     "project": entry["project"], "tag": entry["tag"], "path": entry["path"]})
rows.sort(key=lambda row: (row["group"], row["kind"]))
with open("catalog/crd-scopes.json", "w") as out:
    json.dump(rows, out, indent=1)
    out.write("\n")
