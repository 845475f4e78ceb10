#!/usr/bin/env bash
# Measures the gateway distribution: archive and unpacked size, cold boot (first
# start of a fresh unpack), warm boot (second start), and RSS once booted.
# Boot time = from bin/facegate start until the console answers with every
# facegate feature started (resolution: one console round trip, about 1 s). Usage: tools/measure-boot.sh [distro.tar.gz]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$here/pom.xml" | head -n 1)
archive=${1:-$here/gateway-distro/target/gateway-distro-$version.tar.gz}
work=$(mktemp -d)
trap 'home/bin/facegate stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
tar xzf "$archive" -C "$work"
cd "$work" && ln -s "gateway-distro-$version" home

features=$(grep -c '<feature name="facegate-' "$here/features/src/main/feature/feature.xml")
boot() {
    local t0 t1
    t0=$(date +%s.%N)
    home/bin/facegate start > /dev/null 2>&1
    # the console port opens late in the boot; polling it is cheap, a console client is a JVM start
    until (exec 3<>/dev/tcp/127.0.0.1/8101) 2> /dev/null; do sleep 0.1; done
    until [ "$(home/bin/facegate shell 'feature:list -i' 2>/dev/null | grep -c 'facegate-.*Started')" -ge "$features" ]; do
        sleep 0.2
    done
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
echo "archive_mb=$(du -m "$archive" | cut -f1) unpacked_mb=$(du -sm home/ | cut -f1)"
cold=$(boot)
pid=$(cat home/karaf.pid)
rss=$(ps -o rss= -p "$pid")
# a warm boot starts only once the first JVM is gone
home/bin/facegate stop > /dev/null 2>&1; while kill -0 "$pid" 2> /dev/null; do sleep 0.5; done
warm=$(boot)
rss_warm=$(ps -o rss= -p "$(cat home/karaf.pid)")
echo "cold_boot_s=$cold warm_boot_s=$warm rss_after_cold_boot_mb=$((rss / 1024)) rss_after_warm_boot_mb=$((rss_warm / 1024))"
