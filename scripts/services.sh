#!/usr/bin/env bash
# Prepares what Podium's tests need: starts PostgreSQL and Redis if they are
# installed but not running (the commands of DESIGN.md §5), and installs Debian's
# Chromium for the browser tests when it is missing. Idempotent; fails with a
# clear message when something cannot be had.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "PostgreSQL is not running on 127.0.0.1:5432 and is not installed (apt-get install postgresql)." >&2
    exit 1
  fi
  echo "starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if ! command -v redis-server >/dev/null; then
    echo "Redis is not running on 127.0.0.1:6379 and is not installed (apt-get install redis-server)." >&2
    exit 1
  fi
  echo "starting Redis…"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && [ -z "${CHROMIUM:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium: sudo apt-get install -y chromium (or set CHROMIUM to a Chrome binary)." >&2
    exit 1
  fi
fi

# poppler's pdftotext checks the PDFs Podium generates with an independent reader.
if ! command -v pdftotext >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing poppler-utils for the PDF tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "The PDF tests need pdftotext: sudo apt-get install -y poppler-utils" >&2
    exit 1
  fi
fi

# Certificates are set in Debian's DroidSansFallbackFull (a CJK TrueType font
# with glyf outlines, which fpdf embeds as a subset; PODIUM_CJK_FONT overrides it).
if [ -z "${PODIUM_CJK_FONT:-}" ] && [ ! -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing fonts-droid-fallback for the certificates…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-droid-fallback >/dev/null
  else
    echo "Certificates need a CJK font: sudo apt-get install -y fonts-droid-fallback (or set PODIUM_CJK_FONT)" >&2
    exit 1
  fi
fi

for _ in $(seq 1 30); do
  if pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL or Redis did not become ready within 30 s." >&2
exit 1
