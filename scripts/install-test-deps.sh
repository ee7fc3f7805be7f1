#!/usr/bin/env bash
# Installs the system packages the tests drive for real: Debian's Chromium (e2e), OpenSSH's
# sshd and client tools (SSH collection), the commands the collectors run (procps' vmstat and
# ps, sysstat's iostat), Xvfb (the Electron window check) and PostgreSQL (the PostgreSQL
# features), Prometheus 2.42 with promtool (the reference of the PromQL differential
# tests) and node_exporter (a real exporter for the scrape tests), and nmon (real
# recordings for the nmon import). Only what is missing is
# installed, so a prepared machine pays nothing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v vmstat >/dev/null 2>&1 || missing+=(procps)
command -v iostat >/dev/null 2>&1 || missing+=(sysstat)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || missing+=(prometheus-node-exporter)
command -v nmon >/dev/null 2>&1 || missing+=(nmon)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

echo "system packages: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "error: ${missing[*]} missing and neither root nor sudo is available to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"

# Debian's prometheus and prometheus-node-exporter packages enable and start a service (:9090,
# :9100; under systemd, or through the init script where invoke-rc.d allows it). The tests never
# use them: each starts its own on a random port. So a service just installed is stopped and
# disabled, and nothing of it is left listening.
for service in prometheus prometheus-node-exporter; do
  [[ " ${missing[*]} " == *" ${service} "* ]] || continue
  if [ -d /run/systemd/system ]; then
    "${as_root[@]}" systemctl disable --now "${service}.service" >/dev/null 2>&1 || true
    running() { systemctl is-active --quiet "${service}.service"; }
  else
    "${as_root[@]}" "/etc/init.d/${service}" stop >/dev/null 2>&1 || true
    "${as_root[@]}" update-rc.d "${service}" disable >/dev/null 2>&1 || true
    running() { "${as_root[@]}" "/etc/init.d/${service}" status >/dev/null 2>&1; }
  fi
  if running; then
    echo "warning: Debian's ${service} service is still running; the tests do not need it" >&2
  fi
done
