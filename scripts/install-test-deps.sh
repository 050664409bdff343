#!/usr/bin/env bash
# Installs what the HTTP end-to-end and browser tests need on a fresh Debian machine:
# Debian's chromium (driven headless by tests/http_browser.rs), the Noto CJK fonts (the
# consumer page in 简体 and 繁體 Chinese draws with them, and the browser test checks the
# Traditional Chinese page resolves to a TC face), Node.js and npm, and the pinned
# playwright-core of tests/browser (npm ci from its package-lock.json).
# Idempotent: anything already present is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

if [ -x /usr/bin/chromium ]; then
  echo "chromium: present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
else
  echo "chromium: installing Debian's package"
  apt_install chromium
fi

if dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'; then
  echo "fonts-noto-cjk: present"
else
  echo "fonts-noto-cjk: installing Debian's package"
  apt_install fonts-noto-cjk
fi

if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo "node: present ($(node --version))"
else
  echo "node: installing Debian's nodejs and npm"
  apt_install nodejs npm
fi

if [ -f tests/browser/node_modules/playwright-core/package.json ] &&
   [ "$(node -p "require('./tests/browser/node_modules/playwright-core/package.json').version")" = \
     "$(node -p "require('./tests/browser/package-lock.json').packages['node_modules/playwright-core'].version")" ]; then
  echo "playwright-core: present"
else
  echo "playwright-core: npm ci in tests/browser"
  (cd tests/browser && npm ci --no-audit --no-fund)
fi
