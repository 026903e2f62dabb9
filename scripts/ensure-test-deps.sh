#!/usr/bin/env bash
# What the whole test suite needs besides npm packages: PostgreSQL and Redis on 127.0.0.1
# (store contract and scale-out tests) and Debian's Chromium (browser tests). Starts or installs
# whatever is missing; safe to run again. Needs root for apt-get and the services.
set -euo pipefail

if ! (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if ! (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
for i in $(seq 1 30); do
  (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null && (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null && exit 0
  sleep 1
done
echo "PostgreSQL or Redis did not come up on 127.0.0.1" >&2
exit 1
