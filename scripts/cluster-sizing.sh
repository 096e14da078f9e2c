#!/usr/bin/env bash
# Sizing of the forecasting job on the local multi-process cluster (docs/DEPLOY.md, "Sizing"): SERIES series of
# the demo's three channels, OBS observations each, through `run --cluster` on the given state backend; then the
# job's latest completed checkpoint as Flink's REST API reports it: full state size, bytes per series, what the
# checkpoint wrote, its end-to-end duration. A command, not a test: minutes, and the cluster's memory.
#   usage: scripts/cluster-sizing.sh SERIES hashmap|rocksdb [OBS=3] [TASKMANAGER_MEMORY=1536m]
set -euo pipefail
series=${1:?SERIES}; backend=${2:?hashmap|rocksdb}; obs=${3:-3}; tm_memory=${4:-1536m}
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/odestream-sizing.XXXXXX)"
cluster="$work/cluster"
# a copy of the command line's jar (build it first: `./odestream --help`), so that a rebuild meanwhile cannot
# replace the jar under the running processes
cp "$here/app/target/odestream.jar" "$here/stream-jobs/target/odestream-job.jar" "$work/"
odestream() { java --add-modules jdk.incubator.vector -jar "$work/odestream.jar" "$@"; }
trap 'odestream cluster stop --dir "$cluster" >/dev/null 2>&1 || true' EXIT
odestream cluster start --dir "$cluster" --rest-port 0 --taskmanager-memory "$tm_memory" 2>/dev/null
rest=$(sed -n 's/^rest=//p' "$cluster/cluster.properties")
export ODESTREAM_BOOTSTRAP_SERVERS=$(sed -n 's/^bootstrap=//p' "$cluster/cluster.properties")

odestream models keygen --out "$work/keys" --name ops 2>/dev/null >/dev/null
cp "$here/demo/src/main/resources/demo/demo-model.avro" "$work/demo-model.avro"
odestream models publish "$work/demo-model.avro" --signing-key "$work/keys/ops.key" --keys "$work/keys" 2>/dev/null
odestream models promote 1 --keys "$work/keys" --by sizing --reason sizing 2>/dev/null

# every series' observations one second apart, all series at each time before the next time (event time moves
# forward together), two hours ago; then one observation of an extra series now, which moves event time past all
# of them so that every observation is applied, not left waiting for the watermark
python3 - "$series" "$obs" "$work/observations.csv" <<'PY'
import sys, time, random
n, k, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
start = int(time.time() * 1000) - 2 * 3600 * 1000
rnd = random.Random(1)
with open(out, "w") as f:
    f.write("series_id,timestamp,ch0,ch1,ch2\n")
    for i in range(k):
        for s in range(n):
            f.write("s%d,%d,%.3f,%.3f,%.3f\n" % (s, start + i * 1000, rnd.gauss(0, 1), rnd.gauss(0, 1), rnd.gauss(0, 1)))
    f.write("end-of-stream,%d,0,0,0\n" % (int(time.time() * 1000)))
PY

odestream run --cluster "$rest" --job-jar "$work/odestream-job.jar" --model demo-sensors --keys "$work/keys" --parallelism 2 \
    --state-backend "$backend" --checkpoint-dir "$work/checkpoints" --checkpoint-interval PT10S 2>/dev/null
job=$(curl -s "http://$rest/jobs/overview" | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["jid"])')
begin=$(date +%s)
odestream produce --csv "$work/observations.csv" --no-progress 2>/dev/null
echo "produced $series series x $obs observations in $(( $(date +%s) - begin )) s"

# the state is complete once the per-series operator has applied every observation but the extra series' (its metric
# odestream.observations, summed over subtasks); the figures are those of the first checkpoint
# triggered after that, when the job is idle (a checkpoint taken while it catches up also measures the
# wait for its barrier)
vertex=$(curl -s "http://$rest/jobs/$job" | python3 -c '
import json,sys
print([v["id"] for v in json.load(sys.stdin)["vertices"] if v["name"].startswith("PosteriorUpdater")][0])')
until [ "$(curl -s "http://$rest/jobs/$job/vertices/$vertex/subtasks/metrics?get=PosteriorUpdater.odestream.observations" \
    | python3 -c 'import json,sys; m=json.load(sys.stdin); print(int(m[0]["sum"]) if m else 0)')" -ge $(( series * obs )) ]; do
  sleep 5
done
applied=$(( $(date +%s) - begin ))
echo "every observation applied $applied s after the first record"
checkpoint() {
  curl -s "http://$rest/jobs/$job/checkpoints" | python3 -c '
import json,sys
c = json.load(sys.stdin)["latest"]["completed"] or {}
print(c.get("id", 0), c.get("state_size", 0), c.get("checkpointed_size", 0), c.get("end_to_end_duration", 0))'
}
read -r after _ < <(checkpoint)
while true; do
  sleep 5
  read -r id size written duration < <(checkpoint)
  if [ "$id" -gt $(( after + 1 )) ]; then break; fi
done
heap=0
for tm in $(curl -s "http://$rest/taskmanagers" | python3 -c 'import json,sys; print(" ".join(t["id"] for t in json.load(sys.stdin)["taskmanagers"]))'); do
  heap=$(( heap + $(curl -s "http://$rest/taskmanagers/$tm" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metrics"]["heapUsed"])') ))
done
echo "backend $backend, $series series x $obs observations: checkpoint $id, full state $size bytes" \
     "($(( size / series )) bytes per series), written $written bytes, end-to-end $duration ms;" \
     "TaskManagers' heap used $heap bytes (all of it, garbage included); applied in $applied s"
