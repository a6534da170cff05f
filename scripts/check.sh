#!/bin/sh
# Type check and lint side by side: each is one CPU-bound process that loads the whole program's
# types (most of their time), so on two cores they take the time of the slower, not of both.
# Exits non-zero when either fails; both always run to the end and print their findings.
npm run -s typecheck &
typecheck=$!
npm run -s lint
lint=$?
wait "$typecheck"
typecheck=$?
[ "$typecheck" -eq 0 ] && [ "$lint" -eq 0 ]
