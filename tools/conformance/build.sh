#!/bin/sh
# Builds the conformance kit (lrmd-conformance) against Pacemaker's client library.
# Usage: tools/conformance/build.sh [OUT_DIR]   (default: tools/conformance/build)
# Needs a C compiler, pkg-config and the Pacemaker development files
# (Debian: pacemaker-dev libglib2.0-dev libxml2-dev; scripts/install-debian-deps.sh installs them).
# CC and CFLAGS are honoured; the binary is OUT_DIR/lrmd-conformance.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/build"}
cc=${CC:-cc}
cflags=${CFLAGS:-"-O2 -g -Wall -Wextra -Wno-unused-parameter"}
pkgs="pacemaker-lrmd pacemaker glib-2.0 libxml-2.0"

if ! command -v pkg-config >/dev/null 2>&1; then
  echo "build.sh: pkg-config not found" >&2
  exit 2
fi
if ! pkg-config --exists $pkgs; then
  echo "build.sh: pkg-config cannot find: $pkgs (install pacemaker-dev)" >&2
  exit 2
fi
mkdir -p "$out"
# shellcheck disable=SC2046,SC2086
$cc $cflags $(pkg-config --cflags $pkgs) -o "$out/lrmd-conformance" \
  "$here/lrmd-conformance.c" $(pkg-config --libs $pkgs)
echo "$out/lrmd-conformance"
