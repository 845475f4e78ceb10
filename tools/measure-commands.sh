#!/usr/bin/env bash
# MQTT command round trips on the real gateway: boots a fresh unpack of the distribution
# (embedded broker, generated credentials), then, as the operator user, sends ROUNDS times
# an enrol of two demo photos and an identify of one, and prints the time from just before
# mosquitto_pub starts to the reply's arrival at a mosquitto_sub already subscribed (so it
# includes mosquitto_pub's own start and connect, a few ms). Client ids are given with -i:
# Moquette refuses the empty id mosquitto's clients send by default. The password reaches the clients
# through their config files in a private XDG_CONFIG_HOME, never through the command line.
# Usage: tools/measure-commands.sh [ROUNDS] [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-10}
data=${2:-$here/../shared/data}
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$here/pom.xml" | head -n 1)
archive=$here/gateway-distro/target/gateway-distro-$version.tar.gz
work=$(mktemp -d)
trap 'kill "${sub_pid:-0}" 2> /dev/null || true; "$work/home/bin/facegate" stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
tar xzf "$archive" -C "$work"
ln -s "$work/gateway-distro-$version" "$work/home"
gw=$work/home/bin/facegate
"$gw" start > /dev/null 2>&1
until "$gw" shell facegate:status 2>/dev/null | grep -q 'model .*mobilefacenet'; do sleep 1; done
secret=$work/home/etc/facegate-mqtt-operator.secret
until [ -s "$secret" ]; do sleep 0.5; done

(umask 077; mkdir -p "$work/xdg"; printf -- '-u operator\n-P %s\n' "$(cat "$secret")" > "$work/xdg/mosquitto_pub")
cp "$work/xdg/mosquitto_pub" "$work/xdg/mosquitto_sub"
export XDG_CONFIG_HOME=$work/xdg
gateway_id=$(mosquitto_sub -h 127.0.0.1 -i bench-status -t 'facegate/+/status' -C 1 -W 30 -F '%t' | cut -d/ -f2)
mosquitto_sub -h 127.0.0.1 -i bench-replies -t "facegate/$gateway_id/reply/#" -F '%U %t' > "$work/replies" &
sub_pid=$!
sleep 1

b64() { base64 -w0 "$data/demo/$1"; }
printf '{"request_id":"ID","name":"Bench Obama","images":["%s","%s"]}' "$(b64 obama.jpg)" "$(b64 obama2.jpg)" \
    > "$work/enroll.json"
printf '{"request_id":"ID","image":"%s"}' "$(b64 obama3.jpg)" > "$work/identify.json"

# send COMMAND FILE ID: publishes the request, waits for its reply, prints milliseconds
send() {
    sed "s/\"ID\"/\"$3\"/" "$2" > "$work/request.json"
    local t0
    t0=$(date +%s.%N)
    mosquitto_pub -h 127.0.0.1 -i bench-pub -q 1 -t "facegate/$gateway_id/cmd/$1" -f "$work/request.json"
    until grep -q " facegate/$gateway_id/reply/$3\$" "$work/replies"; do sleep 0.01; done
    local t1
    t1=$(grep " facegate/$gateway_id/reply/$3\$" "$work/replies" | cut -d' ' -f1)
    echo "scale=0; ($t1 - $t0) * 1000 / 1" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

enrol=() ident=()
for ((i = 0; i < rounds; i++)); do
    enrol+=("$(send enroll "$work/enroll.json" "bench-e-$i")")
    ident+=("$(send identify "$work/identify.json" "bench-i-$i")")
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); rounds=$rounds; enrol payload $(wc -c < "$work/enroll.json") bytes"
echo "enroll 2 photos: median $(printf '%s\n' "${enrol[@]}" | median) ms  (all: ${enrol[*]})"
echo "identify 1 photo: median $(printf '%s\n' "${ident[@]}" | median) ms  (all: ${ident[*]})"
