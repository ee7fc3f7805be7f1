#!/usr/bin/env bash
# Installs the system packages the tests drive for real: Debian's Chromium (e2e), OpenSSH's
# sshd and client tools (SSH collection), the commands the collectors run (procps' vmstat and
# ps, sysstat's iostat), Xvfb (the Electron window check) and PostgreSQL (the PostgreSQL
# features). Only what is missing is installed, so a prepared machine pays nothing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v vmstat >/dev/null 2>&1 || missing+=(procps)
command -v iostat >/dev/null 2>&1 || missing+=(sysstat)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

echo "system packages: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt=(sudo apt-get)
else
  echo "error: ${missing[*]} missing and neither root nor sudo is available to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
