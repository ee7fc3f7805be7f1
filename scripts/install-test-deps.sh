#!/usr/bin/env bash
# Installs the system packages the tests drive for real: Debian's Chromium (e2e), OpenSSH's
# sshd and client tools (SSH collection), the commands the collectors run (procps' vmstat and
# ps, sysstat's iostat), Xvfb (the Electron window check) and PostgreSQL (the PostgreSQL
# features) and Prometheus 2.42 with promtool (the reference of the PromQL differential
# tests). Only what is missing is installed, so a prepared machine pays nothing.
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

# Debian's prometheus package enables and starts a service on :9090 (under systemd, or through
# its init script where invoke-rc.d allows it). The tests never use it: each starts its own
# Prometheus on a random port over a temp dir. So the service just installed is stopped and
# disabled, and nothing of it is left listening.
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
  if [ -d /run/systemd/system ]; then
    "${as_root[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
    running() { systemctl is-active --quiet prometheus.service; }
  else
    "${as_root[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
    "${as_root[@]}" update-rc.d prometheus disable >/dev/null 2>&1 || true
    running() { "${as_root[@]}" /etc/init.d/prometheus status >/dev/null 2>&1; }
  fi
  if running; then
    echo "warning: Debian's prometheus service is still running on :9090; the tests do not need it" >&2
  fi
fi
