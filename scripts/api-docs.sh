#!/usr/bin/env bash
# Generates API.md from the TSDoc of the public API; with --check, fails when API.md is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx typedoc --logLevel Warn --out "$out" >/dev/null
if [ "${1:-}" = "--check" ]; then
  if ! diff -q "$out/API.md" API.md >/dev/null 2>&1; then
    diff -u API.md "$out/API.md" | head -40 >&2 || true
    echo "API.md is stale: run 'npm run docs' and commit it" >&2
    exit 1
  fi
  echo "API.md is up to date"
else
  cp "$out/API.md" API.md
  echo "wrote API.md"
fi
