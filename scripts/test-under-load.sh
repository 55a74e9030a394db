#!/bin/sh
# `npm run test:loaded`: the whole suite beside two CPU-bound busy loops, as on a busy 2-core CI runner.
# Extra arguments go to vitest (npm run test:loaded -- test/cli).
loops=""
for _ in 1 2; do
  # timeout: the loops end even if this script is killed before its trap runs.
  timeout 1800 sh -c 'while :; do :; done' &
  loops="$loops $!"
done
trap 'kill $loops 2>/dev/null' EXIT INT TERM
npx vitest run "$@"
status=$?
exit $status
