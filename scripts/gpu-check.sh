#!/usr/bin/env bash
# Runs the djl backend's agreement tests and the java-vs-djl benchmark on a CUDA GPU.
#
# Usage: scripts/gpu-check.sh [gpu|gpu:N]        (from anywhere; default gpu:0)
#
# What the machine needs:
#   - an NVIDIA GPU and a driver that supports CUDA 12.8 (R570 or newer; `nvidia-smi` shows "CUDA Version: 12.8+");
#   - Java 17 and Maven; the CPU build's dependencies resolve from Maven Central as usual;
#   - a CUDA build of libtorch 2.7.1 for CUDA 12.8, named by PYTORCH_LIBRARY_PATH. DJL's CUDA natives
#     (ai.djl.pytorch:pytorch-native-cu128) are not served by the Maven repository this project can reach,
#     and DJL must not download at run time (offline mode), so the libraries come from the machine:
#       * the libtorch zip "libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128" unpacked, PYTORCH_LIBRARY_PATH=<dir>/libtorch/lib, or
#       * pip's torch==2.7.1 (cu128 wheel): PYTORCH_LIBRARY_PATH=$(python -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")'),
#         with the wheel's nvidia/*/lib folders on LD_LIBRARY_PATH.
#     The matching JNI glue (jnilib/linux-x86_64/cu128/libdjl_torch.so) ships inside pytorch-jni 2.7.1-0.36.0 already.
#   - In a Flink cluster: the same libraries on every GPU TaskManager, the same environment variables in its
#     env.java.opts / containerized environment, and the TaskManager declaring the gpu external resource.
#
# PYTORCH_FLAVOR=cu128 and the device property make the tests run on the GPU; the CPU natives jar stays on
# the class path but DJL takes PYTORCH_LIBRARY_PATH first. Tolerances are the CPU ones: float64 on a GPU
# (no TF32 for doubles) differs from the JVM by summation order only.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICE="${1:-gpu:0}"
: "${PYTORCH_LIBRARY_PATH:?set PYTORCH_LIBRARY_PATH to a CUDA 12.8 libtorch 2.7.1 lib folder (see the comment at the top)}"
export PYTORCH_LIBRARY_PATH
export PYTORCH_FLAVOR=cu128
export PYTORCH_VERSION=2.7.1

echo "== GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || {
  echo "nvidia-smi failed: no NVIDIA driver on this machine" >&2; exit 1; }

echo "== build"
mvn -B -q -pl ode-djl -am install -DskipTests

echo "== agreement tests on $DEVICE"
mvn -B -pl ode-djl verify -Dodestream.djl.device="$DEVICE" -Ddjl.pytorch.flavor=cu128

echo "== benchmark on $DEVICE (java on one CPU thread vs djl on the GPU)"
# the djl benchmarks live in bench/ (package io.odestream.djl); compiling in the reactor makes the class
# path name the modules' target/classes, so nothing of bench's needs installing
mvn -B -q -pl bench -am compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/runtime.classpath
java -Xmx8g --add-modules jdk.incubator.vector -Dai.djl.offline=true \
  -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" \
  io.odestream.djl.DjlVsJavaBenchmark "$DEVICE" 1 64 1024 16384 65536

echo "== batched predict on $DEVICE (the job's micro-batched forecasts: java per key vs djl batched)"
java -Xmx8g --add-modules jdk.incubator.vector -Dai.djl.offline=true \
  -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" \
  io.odestream.djl.DjlPredictBenchmark "$DEVICE"

echo "== batched score + update on $DEVICE (the job's micro-batched updates: java per series vs djl batched)"
java -Xmx8g --add-modules jdk.incubator.vector -Dai.djl.offline=true \
  -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" \
  io.odestream.djl.DjlUpdateBenchmark "$DEVICE" 1 64 1024 16384
