#!/usr/bin/env bash
# Installs Debian's poppler-utils (pdftotext, pdftoppm, pdffonts) for the tests that read the effect-verification
# report's PDF as text and render its pages (shokuba/plans/tests, tests/browser/test_plans.py). Test-only: the
# platform never runs them. Without them those tests are skipped loudly, except under CI (CI=true), where a
# missing poppler fails here.
set -uo pipefail

under_ci() { case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac; }

if command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  "$@" apt-get update -qq >/dev/null && "$@" apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
}

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install_poppler: installing Debian's poppler-utils (tests only)"
  apt_install env || echo "install_poppler: apt-get failed"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
  echo "install_poppler: installing Debian's poppler-utils with sudo (tests only)"
  apt_install sudo DEBIAN_FRONTEND=noninteractive || echo "install_poppler: apt-get failed"
fi

if ! command -v pdftotext >/dev/null 2>&1; then
  echo "###############################################################################"
  echo "# install_poppler: poppler-utils is missing and could not be installed.       #"
  echo "# The report's PDF text and page tests will be SKIPPED.                       #"
  echo "# Install it with: apt-get install poppler-utils                              #"
  echo "###############################################################################"
  if under_ci; then
    echo "install_poppler: CI=${CI}: the PDF tests must run; failing." >&2
    exit 1
  fi
fi
exit 0
