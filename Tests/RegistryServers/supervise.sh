#!/bin/sh
# supervise.sh PARENT_PID COMMAND…: runs COMMAND until PARENT_PID exits or this script is told to
# stop, so a test server never outlives the test process that started it (even when that process is
# killed). The command gets SIGTERM, then SIGKILL if it is still there a second later: a signal mask
# inherited from the test process can leave SIGTERM blocked in it.
parent=$1
shift
"$@" &
child=$!
stop() {
    kill "$child" 2>/dev/null
    for _ in 1 2 3 4 5; do
        kill -0 "$child" 2>/dev/null || exit 0
        sleep 0.2
    done
    kill -9 "$child" 2>/dev/null
    exit 0
}
trap stop TERM INT
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.2; done
stop
