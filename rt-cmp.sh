#!/bin/bash
# usage: rt-cmp.sh <root> <label>
N=/work/wt/runtime/node_modules/node/bin/node
export PATTERNS_INGRESS_PORT=25000 PATTERNS_ADMIN_PORT=25001 PATTERNS_WORKER_PORT=25002 PATTERNS_BROKER_PORT=25003 PATTERNS_FABRIC_PORT=25004 PATTERNS_CLIENT_APP_PORT=25005 PATTERNS_STATE_DIR=/tmp/rt-cmp-$2 NO_COLOR=1
s=$(date +%s%N); out=$($N $1/bin/patterns.js start 2>&1); e=$(date +%s%N)
ready=$(echo "$out" | grep -o "ready in [0-9.]* [a-z]*")
s2=$(date +%s%N); $N $1/bin/patterns.js stop >/dev/null 2>&1; e2=$(date +%s%N)
echo "$2 start_wall=$(( (e-s)/1000000 )) $ready stop_wall=$(( (e2-s2)/1000000 )) load=$(cut -d' ' -f1 /proc/loadavg)"
grep -E "exited with" /tmp/rt-cmp-$2/logs/supervisor.log | tail -4; rm -rf /tmp/rt-cmp-$2
