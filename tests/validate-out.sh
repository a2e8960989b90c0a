#!/usr/bin/env bash
# Validates the shipped out/ and the output of every valid fixture with independent judges
# (kubernetes-validate for Kubernetes 1.33, strict; the CRD schemas of the pinned operators in catalog/crds),
# and the platform files against schema/platform.schema.json with check-jsonschema.
# Installs its Python tools into .venv on first use. Run from anywhere: tests/validate-out.sh
# With arguments, validates only the given rendered directories (each an out/ tree, such as a seed
# platform's built into a temporary directory): tests/validate-out.sh DIR [DIR ...]
set -euo pipefail
dirs=()
for dir in "$@"; do
  dirs+=("$(cd "$dir" && pwd)")
done
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/check-jsonschema ] || ! .venv/bin/python -c 'import kubernetes_validate' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements-validate.txt
fi

if [ ${#dirs[@]} -gt 0 ]; then
  exec .venv/bin/python tests/validate-out.py "${dirs[@]}"
fi

rendered=target/validate-out
rm -rf "$rendered"
mkdir -p "$rendered"
cargo build --quiet --locked
for fixture in tests/fixtures/valid/*.toml tests/fixtures/valid/*/platform.toml; do
  [ -f "$fixture" ] || continue
  name=$(basename "$fixture" .toml)
  [ "$name" = platform ] && name=$(basename "$(dirname "$fixture")")
  ./target/debug/slipway build --platform "$fixture" --out "$rendered/$name" --schema "$rendered/$name.schema.json" >/dev/null
done

.venv/bin/python tests/validate-out.py out "$rendered"
# The YAML writer's corpus of every string class, read back by YAML 1.1 (PyYAML, libyaml) and 1.2 readers.
.venv/bin/python tests/yaml-readers.py
# Every platform file against the JSON Schema editors use, by a judge that reads TOML itself.
.venv/bin/check-jsonschema --schemafile schema/platform.schema.json platform/platform.toml tests/fixtures/valid/*.toml tests/fixtures/valid/*/platform.toml
# The pull-request workflow must be valid YAML for GitHub to run it.
.venv/bin/python -c 'import sys, yaml; [yaml.safe_load(open(path)) for path in sys.argv[1:]]' .github/workflows/*.yml
