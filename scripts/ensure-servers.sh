#!/usr/bin/env bash
# Installs the Debian servers the drills start (on 127.0.0.1 only), and the browser the diagram
# tests open, when any is missing.
# Without root or apt-get it says what is missing; the drills then skip, or fail under CI.
set -euo pipefail

# chromium opens the topology diagrams; fonts-dejavu-core is the font their text is measured in.
# iproute2 (ip) builds the network namespaces of the partition drills; nsenter (util-linux) is always there.
# prometheus ships promtool, which checks and unit-tests the alert rules.
packages=(postgresql patroni etcd-server etcd-client redis-server redis-sentinel redis-tools haproxy pgbouncer
  chromium fonts-dejavu-core iproute2 prometheus)
binaries=(/usr/lib/postgresql/15/bin/postgres /usr/bin/patroni /usr/bin/etcd /usr/bin/etcdctl
  /usr/bin/redis-server /usr/bin/redis-sentinel /usr/bin/redis-cli /usr/sbin/haproxy /usr/sbin/pgbouncer
  /usr/bin/chromium /sbin/ip /usr/bin/promtool)

missing=()
for b in "${binaries[@]}"; do [ -x "$b" ] || missing+=("$b"); done
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# kubectl renders the GitOps folders with its built-in kustomize; Debian ships it as kubernetes-client.
if ! command -v kubectl >/dev/null; then missing+=(kubectl); packages+=(kubernetes-client); fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "drill servers: all present"
  exit 0
fi

echo "drill servers missing: ${missing[*]}"
if ! command -v apt-get >/dev/null; then
  echo "no apt-get here: install ${packages[*]} by hand" >&2
  [ -n "${CI:-}" ] && exit 1 || exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "not root: run 'sudo apt-get install ${packages[*]}'" >&2
    [ -n "${CI:-}" ] && exit 1 || exit 0
  fi
fi

# The packages would start default services on standard ports where systemd runs; the drills
# use their own ports, and policy-rc.d keeps the package scripts from starting anything.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
fi
trap '[ -n "$created_policy" ] && $sudo rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/tmp/hadr-apt.log 2>&1; then
  $sudo apt-get update -qq >>/tmp/hadr-apt.log 2>&1
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >>/tmp/hadr-apt.log 2>&1 \
    || { tail -20 /tmp/hadr-apt.log >&2; exit 1; }
fi
echo "drill servers: installed ${packages[*]}"
