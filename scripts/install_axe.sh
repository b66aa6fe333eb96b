#!/usr/bin/env bash
# Installs axe-core (the accessibility rules the browser tests run in every page) from the npm registry, at one
# pinned version whose tarball must match the pinned integrity (SRI sha512, as the registry publishes it), into
# var/axe/ (git-ignored). Only the tarball is fetched (`npm pack`), nothing is run from it: the tests inject its
# axe.min.js into the page (tests/browser/axe.py). Without npm, or offline, the accessibility tests are skipped
# loudly, except under CI (CI=true), where they must run: there a missing axe fails here already.
set -uo pipefail

AXE_VERSION="4.14.1"
AXE_INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

cd "$(dirname "$0")/.." || exit 1
target="var/axe"
script="$target/axe-core-$AXE_VERSION/axe.min.js"
under_ci() { case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac; }
give_up() {
  echo "################################################################################"
  echo "# install_axe: $1"
  echo "# The accessibility browser tests will be SKIPPED.                             #"
  echo "################################################################################"
  if under_ci; then
    echo "install_axe: CI=${CI}: the accessibility tests must run; failing." >&2
    exit 1
  fi
  exit 0
}

if [ -s "$script" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || give_up "npm is missing (apt-get install npm)."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" 2>/dev/null | tail -n 1)
[ -n "$tarball" ] && [ -s "$work/$tarball" ] || give_up "npm pack axe-core@$AXE_VERSION failed."

actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w 0)"
if [ "$actual" != "$AXE_INTEGRITY" ]; then
  echo "install_axe: axe-core@$AXE_VERSION does not match its pinned integrity" >&2
  echo "  expected $AXE_INTEGRITY" >&2
  echo "  got      $actual" >&2
  exit 1  # a tampered or substituted package is never skipped over
fi

mkdir -p "$work/unpacked" "$target/axe-core-$AXE_VERSION"
tar -xzf "$work/$tarball" -C "$work/unpacked" package/axe.min.js package/LICENSE package/package.json || exit 1
cp "$work/unpacked/package/axe.min.js" "$work/unpacked/package/LICENSE" "$work/unpacked/package/package.json" \
  "$target/axe-core-$AXE_VERSION/"
echo "install_axe: axe-core $AXE_VERSION in $target/axe-core-$AXE_VERSION (integrity checked)"
