#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 30s). The
# targets are found from the `func FuzzXxx` declarations in the test files,
# so a new one is never forgotten.
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
tags=${TAGS:-migrated_fynedo}
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | xargs -n1 dirname | sort -u | while read -r dir; do
  for target in $(grep -ho -E '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //' | sort -u); do
    echo "== $dir $target"
    go test -tags "$tags" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$dir"
  done
done
