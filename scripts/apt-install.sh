#!/usr/bin/env bash
# Sourced by the install scripts: apt_install PACKAGE... installs Debian packages as root or
# through sudo, quietly. Callers decide what is missing.
apt_install() {
  [ $# -gt 0 ] || return 0
  echo "install: $*" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}
