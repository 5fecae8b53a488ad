#!/bin/sh
# supervise.sh PARENT_PID COMMAND…: runs COMMAND until PARENT_PID exits, so a test server never
# outlives the test process that started it (even when that process is killed).
parent=$1
shift
"$@" &
child=$!
trap 'kill "$child" 2>/dev/null; exit 0' TERM INT
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.2; done
kill "$child" 2>/dev/null
wait "$child" 2>/dev/null
