#!/usr/bin/env bash
# The compose stack's one-shot setup (docker-compose.yml, service `setup`), safe to run again
# (`docker compose up setup`): every step first looks whether its work is done.
#   1. the topics (existing ones are reported, never altered)
#   2. a signing key in /keys (./keys on the host), once
#   3. the bundled demo model published (the same content again publishes nothing) and promoted,
#      unless the registry serves a version of it already: an operator's later promote or rollback stands
#   4. the forecasting job submitted detached, unless Flink runs or schedules a job of its name already
# Runs as root in the Flink image, so that it can hand the checkpoint volume to Flink's user.
# DockerComposeTest reads the `odestream` and `flink` commands below and parses them with the commands' own options.
set -euo pipefail

MODEL=demo-sensors
# the name RunCommand gives the forecasting job (RunCommand.jobName)
JOB_NAME="odestream forecast job ($MODEL)"
KEY=/keys/publisher.key

odestream() {
  java --add-modules jdk.incubator.vector -jar /opt/odestream/odestream.jar "$@"
}

# Flink's processes run as user flink; a fresh volume belongs to root
chown flink:flink /checkpoints

odestream topics create --partitions 4

if [ ! -f "$KEY" ]; then
  odestream models keygen --out /keys --name publisher
  # the pair belongs to whoever owns ./keys on the host (`mkdir -p keys` first makes that you)
  chown "$(stat -c %u:%g /keys)" /keys/publisher.key /keys/publisher.pub
fi

published=$(odestream models publish /opt/odestream/demo-model.avro --signing-key "$KEY")
echo "$published"
# "published model M version N ..." or "model M version N has this content already ..."
version=$(sed -n 's/.*model [^ ]* version \([0-9][0-9]*\).*/\1/p' <<< "$published")
if odestream models show serving --model "$MODEL" > /dev/null 2>&1; then
  echo "model $MODEL is served already; serving left as it is"
else
  odestream models promote "$version" --model "$MODEL" --by setup --reason "docker compose setup: the bundled demo model"
fi

# `flink list` asks the JobManager's REST API for the running and scheduled jobs; if it cannot
# answer, the script stops here rather than submit blind
jobs=$(flink list -m "$JOBMANAGER")
if grep -qF "$JOB_NAME" <<< "$jobs"; then
  echo "Flink runs '$JOB_NAME' already; not submitted again"
else
  flink run --detached -m "$JOBMANAGER" /opt/odestream/odestream-job.jar \
    run --model "$MODEL" --state-backend rocksdb --checkpoint-dir /checkpoints/forecast
fi
