#!/usr/bin/env bash
# Cuts a new base for the baseline check (docs/api-versions.md): builds the API bundles of a field release from
# its commit in a throwaway git worktree, with the release version in its poms, and writes their jars (manifest
# and facegate classes only) and minimal poms into baseline/repository.
#
#   tools/cut-baseline.sh COMMIT VERSION      e.g. tools/cut-baseline.sh 35d0393 0.1.0
#
# Then set facegate.baseline.version in bundles/pom.xml to VERSION and commit baseline/ with it.
# BASELINE_MODULES (space separated, default: the bundles that export API) and MVN_FLAGS (default -o) may be set.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 COMMIT VERSION" >&2
    exit 2
fi
commit=$1
version=$2
read -r -a modules <<< "${BASELINE_MODULES:-facegate-api facegate-deploy facegate-tensorflow}"

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
sha=$(git -C "$root" rev-parse --verify --short "$commit^{commit}")
work=$(mktemp -d "${TMPDIR:-/tmp}/facegate-baseline.XXXXXX")
cleanup() {
    git -C "$root" worktree remove --force "$work/src" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A worktree of the commit, not the working copy: uncommitted edits must not leak into a base.
git -C "$root" worktree add --quiet --detach "$work/src" "$sha"

# The release version instead of the snapshot one, in every pom (parents and modules refer to it).
current=$(sed -n '/<artifactId>facegate-parent<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' \
    "$work/src/pom.xml" | head -1)
if [ -z "$current" ]; then
    echo "no project version in $commit's pom.xml" >&2
    exit 1
fi
if [ "$current" != "$version" ]; then
    find "$work/src" -name pom.xml -not -path '*/target/*' \
        -exec sed -i "s#<version>${current//./\\.}</version>#<version>$version</version>#g" {} +
fi

# package only: no install, so ~/.m2 keeps its snapshots. The commit time as the entries' time makes the jars
# the same bytes on every run.
stamp=$(git -C "$root" show -s --format=%cI "$sha")
list=$(printf 'bundles/%s,' "${modules[@]}")
(cd "$work/src" && mvn ${MVN_FLAGS--o} -q -B package -DskipTests -Dfacegate.baseline.skip=true \
    -Dproject.build.outputTimestamp="$stamp" -pl "${list%,}" -am)

for a in "${modules[@]}"; do
    jar="$work/src/bundles/$a/target/$a-$version.jar"
    dir="$root/baseline/repository/io/facegate/$a/$version"
    mkdir -p "$dir"
    rm -f "$dir/$a-$version.jar"
    # Baseline compares the manifest and the io.facegate.* packages; the rest (embedded TensorFlow: 170 MB) goes.
    zip -q "$jar" --copy 'META-INF/MANIFEST.MF' 'io/facegate/*' --out "$dir/$a-$version.jar"
    cat > "$dir/$a-$version.pom" << EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Baseline only: the exported API of $a as released from commit $sha; written by tools/cut-baseline.sh. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.facegate</groupId>
  <artifactId>$a</artifactId>
  <version>$version</version>
</project>
EOF
    # the repository's checksumPolicy is fail
    for f in "$dir/$a-$version.jar" "$dir/$a-$version.pom"; do
        sha1sum "$f" | cut -d' ' -f1 | tr -d '\n' > "$f.sha1"
    done
    echo "$(stat -c %s "$dir/$a-$version.jar") bytes  ${dir#"$root"/}/$a-$version.jar"
done
