#!/usr/bin/env bash
# Installs Debian's libreoffice-calc for the spreadsheet round-trip tests (an export opened and saved by a real
# spreadsheet program must import back; see tests/libreoffice.py). Test-only: the platform never runs it.
# Without it those tests are skipped loudly, except under CI (CI=true), where a missing LibreOffice fails here.
set -uo pipefail

have_soffice() { command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; }
under_ci() { case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac; }

if have_soffice; then
  exit 0
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  "$@" apt-get update -qq >/dev/null && "$@" apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
}

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install_libreoffice: installing Debian's libreoffice-calc (tests only)"
  apt_install env || echo "install_libreoffice: apt-get failed"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
  echo "install_libreoffice: installing Debian's libreoffice-calc with sudo (tests only)"
  apt_install sudo DEBIAN_FRONTEND=noninteractive || echo "install_libreoffice: apt-get failed"
fi

if ! have_soffice; then
  echo "################################################################################"
  echo "# install_libreoffice: LibreOffice is missing and could not be installed.      #"
  echo "# Spreadsheet round-trip tests will be SKIPPED.                                #"
  echo "# Install it with: apt-get install libreoffice-calc                            #"
  echo "################################################################################"
  if under_ci; then
    echo "install_libreoffice: CI=${CI}: the round-trip tests must run; failing." >&2
    exit 1
  fi
fi
exit 0
