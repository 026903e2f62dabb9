#!/usr/bin/env bash
# What the whole test suite needs besides npm packages: PostgreSQL and Redis on 127.0.0.1
# (store contract and scale-out tests) and Debian's Chromium (browser tests). `npm test` runs this
# first (pretest): it starts or installs whatever is missing, and when it cannot (not root), it stops
# at once and names the one command to run. Nothing is ever skipped silently. Safe to run again.
set -euo pipefail

up() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

missing=()
up 5432 || missing+=("PostgreSQL on 127.0.0.1:5432")
up 6379 || missing+=("Redis on 127.0.0.1:6379")
[ -x /usr/bin/chromium ] || missing+=("Debian's chromium at /usr/bin/chromium")
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The test suite needs: ${missing[*]}." >&2
  echo "Run once, as root:  sudo bash scripts/ensure-test-deps.sh   (then npm test again)" >&2
  exit 1
fi

if ! up 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if ! up 6379; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
for i in $(seq 1 30); do
  up 5432 && up 6379 && exit 0
  sleep 1
done
echo "PostgreSQL or Redis did not come up on 127.0.0.1" >&2
exit 1
