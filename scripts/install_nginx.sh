#!/usr/bin/env bash
# Installs Debian's nginx for the deployment test (tests/test_deployment.py: nginx + gunicorn + PostgreSQL + a
# worker, walked through). Test-only here; in production nginx is the operator's (docs/operations.md).
# Without it that test is skipped loudly, except under CI (CI=true), where a missing nginx fails here.
set -uo pipefail

have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
under_ci() { case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac; }

if have_nginx; then
  exit 0
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  "$@" apt-get update -qq >/dev/null && "$@" apt-get install -y -qq --no-install-recommends nginx >/dev/null
}

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install_nginx: installing Debian's nginx (tests only)"
  apt_install env || echo "install_nginx: apt-get failed"
  # The package may start a daemon on port 80; the test runs its own nginx.
  /usr/sbin/nginx -s quit >/dev/null 2>&1 || true
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
  echo "install_nginx: installing Debian's nginx with sudo (tests only)"
  apt_install sudo DEBIAN_FRONTEND=noninteractive || echo "install_nginx: apt-get failed"
  sudo -n /usr/sbin/nginx -s quit >/dev/null 2>&1 || true
fi

if ! have_nginx; then
  echo "################################################################################"
  echo "# install_nginx: nginx is missing and could not be installed.                  #"
  echo "# The deployment test will be SKIPPED.                                         #"
  echo "################################################################################"
  if under_ci; then
    echo "install_nginx: CI=true, so this is an error."
    exit 1
  fi
fi
exit 0
