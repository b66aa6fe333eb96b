#!/usr/bin/env bash
# Installs Debian's chromium (and a Japanese font for screenshots) for the Playwright browser tests.
# Playwright's own browser download cannot work here; the tests launch /usr/bin/chromium.
set -uo pipefail

if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'noto sans cjk'; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install_browser: installing Debian's chromium and fonts-noto-cjk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit $?
fi

if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "install_browser: installing Debian's chromium and fonts-noto-cjk with sudo"
  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit $?
fi

echo "################################################################################"
echo "# install_browser: chromium is missing and this user cannot install packages.  #"
echo "# Browser tests will be SKIPPED. Install it with: apt-get install chromium      #"
echo "################################################################################"
exit 0
