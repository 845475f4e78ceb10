#!/usr/bin/env bash
# A signed model update pushed over MQTT to the real gateway while frames flow: boots a fresh
# unpack of the distribution (embedded broker, generated credentials), trusts a new operator key,
# builds a MobileFaceNet-112 model bundle with a new model version from the shipped one, signs
# it, and pushes it with tools/facegate-push as the operator user while a demo photo is dropped
# into the camera inbox every 200 ms. Prints the time from the push's start to the gateway's
# "done" and to the first event made with the new model, the largest gap between two events
# around the switch, and the bytes on the wire. Passwords reach the clients through files, never
# the command line.
# Usage: tools/measure-deploy.sh [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$here/../shared/data}
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$here/pom.xml" | head -n 1)
archive=$here/gateway-distro/target/gateway-distro-$version.tar.gz
push_jar=$here/tools/facegate-push/target/facegate-push-$version.jar
model_jar=$here/bundles/facegate-embed-mobilefacenet/target/facegate-embed-mobilefacenet-$version.jar
work=$(mktemp -d)
# (never "kill 0": that would be this whole process group)
trap 'for p in ${sub_pid:-} ${feed_pid:-}; do kill "$p" 2> /dev/null || true; done; "$work/home/bin/facegate" stop > /dev/null 2>&1 || true; sleep 2; rm -rf "$work" || true' EXIT
tar xzf "$archive" -C "$work"
ln -s "$work/gateway-distro-$version" "$work/home"
gw=$work/home/bin/facegate
"$gw" start > /dev/null 2>&1
until "$gw" shell facegate:status 2>/dev/null | grep -q 'model .*mobilefacenet'; do sleep 1; done
secret=$work/home/etc/facegate-mqtt-operator.secret
until [ -s "$secret" ]; do sleep 0.5; done

# the operator's key, trusted by the gateway
java -jar "$push_jar" keygen --out "$work/keys" --name bench > /dev/null
mkdir -p "$work/home/etc/facegate-deploy-keys"
cp "$work/keys/bench.pub" "$work/home/etc/facegate-deploy-keys/"

# the new model bundle: the shipped one with model version 2 and bundle version 0.2.0
mkdir "$work/bundle"
(cd "$work/bundle" && unzip -q "$model_jar")
sed -i 's/^model.version=.*/model.version=2/' "$work/bundle/models/mobilefacenet-112/facegate-model.properties"
sed -i 's/^Bundle-Version: .*/Bundle-Version: 0.2.0/' "$work/bundle/META-INF/MANIFEST.MF"
(cd "$work/bundle" && jar --create --file "$work/model.jar" --manifest META-INF/MANIFEST.MF models)
(umask 077; mkdir -p "$work/xdg"; printf -- '-u operator\n-P %s\n' "$(cat "$secret")" > "$work/xdg/mosquitto_sub")
gateway_id=$(XDG_CONFIG_HOME=$work/xdg mosquitto_sub -h 127.0.0.1 -i bench-status -t 'facegate/+/status' -C 1 -W 30 -F '%t' \
    | cut -d/ -f2)
java -jar "$push_jar" sign --key "$work/keys/bench.key" --name facegate-embed-mobilefacenet --version 0.2.0 \
    --kind model --gateway "$gateway_id" --release 2 "$work/model.jar" > /dev/null

# events with their arrival time; frames every 200 ms
XDG_CONFIG_HOME=$work/xdg mosquitto_sub -h 127.0.0.1 -i bench-events -t "facegate/$gateway_id/events" -F '%U %p' \
    > "$work/events" &
sub_pid=$!
inbox=$work/home/data/facegate/inbox
mkdir -p "$inbox"
(i=0; while true; do cp "$data/demo/obama3.jpg" "$inbox/.f$i.tmp"; mv "$inbox/.f$i.tmp" "$inbox/f$i.jpg"; i=$((i+1)); sleep 0.2; done) &
feed_pid=$!
sleep 10

(umask 077; cat "$secret" > "$work/operator.secret")
t0=$(date +%s.%N)
push_rc=0
java -jar "$push_jar" push --broker tcp://127.0.0.1:1883 --user operator --password-file "$work/operator.secret" \
    --gateway "$gateway_id" "$work/model.jar" > "$work/report" 2> "$work/push.err" || push_rc=$?
t1=$(date +%s.%N)
if [ "$push_rc" -ne 0 ]; then
    echo "push failed ($push_rc): $(cat "$work/report")"; tr '\r' '\n' < "$work/push.err" | tail -n 5
    tail -n 30 "$work/home/data/log/karaf.log"
    exit 1
fi
sleep 10
kill "$feed_pid"; feed_pid=
sleep 5
kill "$sub_pid"; sub_pid=

# and the operator's way back: release 3 on top, then a signed rollback to release 2 (kept by the gateway)
cp "$work/model.jar" "$work/model-r2.jar"
sed -i 's/^Bundle-Version: .*/Bundle-Version: 0.3.0/' "$work/bundle/META-INF/MANIFEST.MF"
(cd "$work/bundle" && jar --create --file "$work/model3.jar" --manifest META-INF/MANIFEST.MF models)
java -jar "$push_jar" sign --key "$work/keys/bench.key" --name facegate-embed-mobilefacenet --version 0.3.0 \
    --kind model --gateway "$gateway_id" --release 3 "$work/model3.jar" > /dev/null
java -jar "$push_jar" push --broker tcp://127.0.0.1:1883 --user operator --password-file "$work/operator.secret" \
    --gateway "$gateway_id" "$work/model3.jar" > "$work/report3" 2> /dev/null
java -jar "$push_jar" sign --key "$work/keys/bench.key" --name facegate-embed-mobilefacenet --version 0.2.0 \
    --kind model --gateway "$gateway_id" --release 2 --rollback --out "$work/back.json" "$work/model-r2.jar" > /dev/null
rollback_rc=0
java -jar "$push_jar" rollback --broker tcp://127.0.0.1:1883 --user operator --password-file "$work/operator.secret" \
    --gateway "$gateway_id" "$work/back.json" > "$work/report-back" 2>&1 || rollback_rc=$?

first_new=$(grep '"version":"2"' "$work/events" | head -n 1 | cut -d' ' -f1)
gap=$(awk -v from="$t0" '$1 >= from - 5 { if (prev) { d = $1 - prev; if (d > max) max = d } prev = $1 } END { printf "%.0f", max * 1000 }' "$work/events")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); artifact $(stat -c %s "$work/model.jar") bytes"
echo "gateway report: $(cat "$work/report")"
grep '^sent' "$work/push.err"
echo "push start -> done: $(echo "scale=0; ($t1 - $t0) * 1000 / 1" | bc) ms"
echo "push start -> first event with the new model: $(echo "scale=0; ($first_new - $t0) * 1000 / 1" | bc) ms"
echo "largest gap between two events (frames every 200 ms), from 5 s before the push: $gap ms"
echo "events: $(wc -l < "$work/events"), with the new model: $(grep -c '"version":"2"' "$work/events")"
echo "release 3: $(grep -o '"state":"[a-z_]*"' "$work/report3"); rollback to release 2 (exit $rollback_rc): $(grep -o '"state":"[a-z_]*"\|^[0-9]* .*' "$work/report-back")"
