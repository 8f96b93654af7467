#!/usr/bin/env bash
# Installs what the wire-capture tooling (tools/capture) and the interop tests need on a
# Debian 12 machine: Pacemaker 2.1.5 (cluster packages + development headers), the resource
# agents, GnuTLS tools, a C tool chain, and an unpacked copy of pacemaker-remote under
# <repo>/.deps/pacemaker-remote (the package conflicts with pacemaker, so it is not installed).
# Runs as root. Safe to run again: every step is skipped when already done.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEPS_DIR="$REPO_ROOT/.deps"
REMOTE_DIR="$DEPS_DIR/pacemaker-remote"
REMOTED_BIN="$REMOTE_DIR/usr/sbin/pacemaker-remoted"

PACKAGES=(
  pacemaker pacemaker-cli-utils corosync pacemaker-dev resource-agents
  gnutls-bin openssl libgnutls28-dev
  build-essential pkg-config
  iproute2 util-linux libxml2-utils libxml2-dev bzip2
)

say() { printf '[install-debian-deps] %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  say "must run as root" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get not found: this script is for Debian 12" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    apt-get update -q
    apt_updated=1
  fi
}

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

# 1. Packages. Services must not start on install (corosync/pacemaker would try to form a
#    cluster): if the machine has no policy-rc.d, a temporary one denying starts is used.
missing=()
for p in "${PACKAGES[@]}"; do
  is_installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "packages already installed: ${PACKAGES[*]}"
else
  temp_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    temp_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    say "temporary /usr/sbin/policy-rc.d: services are not started during install"
  fi
  apt_update_once
  say "apt-get install ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  if [ "$temp_policy" -eq 1 ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

# 2. pacemaker-remote, unpacked (not installed) into <repo>/.deps/pacemaker-remote.
if [ -x "$REMOTED_BIN" ]; then
  say "pacemaker-remoted already unpacked: $REMOTED_BIN"
else
  apt_update_once
  tmp="$(mktemp -d)"
  # apt drops privileges to _apt for downloads; let it write into the temp dir.
  if getent passwd _apt >/dev/null; then chown _apt "$tmp"; fi
  say "apt-get download pacemaker-remote (into $tmp)"
  (cd "$tmp" && apt-get download -q pacemaker-remote)
  deb="$(ls "$tmp"/pacemaker-remote_*.deb | head -n 1)"
  mkdir -p "$REMOTE_DIR"
  say "dpkg -x $(basename "$deb") $REMOTE_DIR"
  dpkg -x "$deb" "$REMOTE_DIR"
  rm -rf "$tmp"
  [ -x "$REMOTED_BIN" ] || { say "unpacking did not produce $REMOTED_BIN" >&2; exit 1; }
fi

# 3. Account and directories the daemon and the agents expect. The pacemaker package creates
#    the account; this only repairs a machine where it is missing.
if ! getent group haclient >/dev/null; then
  say "groupadd --system haclient"
  groupadd --system haclient
fi
if ! getent passwd hacluster >/dev/null; then
  say "useradd --system hacluster"
  useradd --system --gid haclient --home-dir /var/lib/pacemaker --no-create-home \
    --shell /usr/sbin/nologin hacluster
fi

ensure_dir() { # path mode owner
  if [ -d "$1" ]; then
    return 0
  fi
  say "mkdir $1 (mode $2, owner $3)"
  install -d -m "$2" -o "${3%%:*}" -g "${3##*:}" "$1"
}
ensure_dir /var/lib/pacemaker             0750 hacluster:haclient
ensure_dir /var/lib/pacemaker/cores       0750 hacluster:haclient
ensure_dir /var/lib/pacemaker/cib         0750 hacluster:haclient
ensure_dir /var/lib/pacemaker/pengine     0750 hacluster:haclient
ensure_dir /var/lib/pacemaker/blackbox    0750 hacluster:haclient
ensure_dir /var/log/pacemaker             0770 hacluster:haclient
ensure_dir /run/resource-agents           0755 root:root
ensure_dir /etc/pacemaker                 0750 root:haclient

say "done: $("$REMOTED_BIN" --version 2>/dev/null | head -n 1 || echo "$REMOTED_BIN")"
