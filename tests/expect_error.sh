#!/bin/sh
# expect_error.sh REGEX COMMAND...
# Passes when COMMAND exits non-zero within 60 s and its stderr holds exactly
# one "triobench-<backend>: error: ..." line, which matches REGEX, and no
# other line of the executable's own (a note before the error, say); the
# launcher's lines (mpirun) do not count.
regex=$1
shift
err=$(mktemp)
trap 'rm -f "$err"' EXIT
timeout -k 5 60 "$@" >/dev/null 2>"$err"
status=$?
if [ "$status" -eq 0 ]; then
    echo "FAIL: exited 0, expected an error"; cat "$err"; exit 1
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "FAIL: timed out (a hang)"; cat "$err"; exit 1
fi
count=$(grep -c '^triobench-[a-z]*: error: ' "$err")
if [ "$count" -ne 1 ]; then
    echo "FAIL: expected one error line, found $count:"; cat "$err"; exit 1
fi
own=$(grep -c '^triobench-[a-z]*: ' "$err")
if [ "$own" -ne 1 ]; then
    echo "FAIL: the error is not the only line of the executable's own:"; cat "$err"; exit 1
fi
line=$(grep '^triobench-[a-z]*: error: ' "$err")
if ! printf '%s\n' "$line" | grep -Eq -- "$regex"; then
    echo "FAIL: error line does not match /$regex/: $line"; exit 1
fi
echo "ok (exit $status): $line"
