#!/usr/bin/env bash
# Installs Debian's chromium (and a Japanese font for screenshots) for the Playwright browser tests.
# Playwright's own browser download cannot work here; the tests launch Debian's chromium (see
# tests/browser/chromium.py). Without it the browser tests are skipped loudly, except under CI (CI=true),
# where they must run: there a missing chromium fails here already, before the test run.
set -uo pipefail

have_chromium() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }
have_cjk_font() { fc-list 2>/dev/null | grep -i 'noto sans cjk' >/dev/null; }  # not -q: an early exit would SIGPIPE fc-list under pipefail
under_ci() { case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac; }

if have_chromium && have_cjk_font; then
  exit 0
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  "$@" apt-get update -qq >/dev/null && "$@" apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
}

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install_browser: installing Debian's chromium and fonts-noto-cjk"
  apt_install env || echo "install_browser: apt-get failed"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
  echo "install_browser: installing Debian's chromium and fonts-noto-cjk with sudo"
  apt_install sudo DEBIAN_FRONTEND=noninteractive || echo "install_browser: apt-get failed"
fi

if ! have_chromium; then
  echo "################################################################################"
  echo "# install_browser: chromium is missing and could not be installed.             #"
  echo "# Browser tests will be SKIPPED. Install it with: apt-get install chromium      #"
  echo "################################################################################"
  if under_ci; then
    echo "install_browser: CI=${CI}: browser tests must run; failing." >&2
    exit 1
  fi
elif ! have_cjk_font; then
  echo "install_browser: no Japanese font (fonts-noto-cjk); screenshots will show empty boxes for Japanese."
fi
exit 0
