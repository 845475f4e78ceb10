#!/usr/bin/env bash
# Pipeline benchmark on the real gateway: boots a fresh unpack of the distribution,
# drops FRAMES demo photos into the folder camera (all at once, so the pipeline runs
# flat out), waits until every one produced an event, and prints the pipeline's own
# counters: sustained frames/s and frame-to-event latency p50/p99 (from the camera
# reader taking the frame to the event; a burst includes time queued).
# Usage: tools/measure-pipeline.sh [FRAMES] [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
frames=${1:-100}
data=${2:-$here/../shared/data}
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$here/pom.xml" | head -n 1)
archive=$here/gateway-distro/target/gateway-distro-$version.tar.gz
photos=(obama3.jpg biden.jpg two_people.jpg group6.jpg obama.jpg obama2.jpg)
work=$(mktemp -d)
trap '"$work/home/bin/facegate" stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
tar xzf "$archive" -C "$work"
ln -s "$work/gateway-distro-$version" "$work/home"
gw=$work/home/bin/facegate

"$gw" start > /dev/null 2>&1
until "$gw" shell facegate:status 2>/dev/null | grep -q 'model .*mobilefacenet'; do sleep 1; done
inbox=$work/home/data/facegate/inbox
start=$(date +%s.%N)
for ((i = 0; i < frames; i++)); do
    photo=${photos[i % ${#photos[@]}]}
    cp "$data/demo/$photo" "$inbox/.frame-$i.part"
    mv "$inbox/.frame-$i.part" "$inbox/frame-$i.jpg"
done
until [ "$(ls "$inbox/done" 2>/dev/null | wc -l)" -ge "$frames" ]; do sleep 0.5; done
end=$(date +%s.%N)
echo "frames=$frames photos=${photos[*]} wall_s=$(echo "$end - $start" | bc) wall_fps=$(echo "scale=2; $frames / ($end - $start)" | bc)"
"$gw" shell facegate:status 2>/dev/null | grep -v JAVA_HOME
