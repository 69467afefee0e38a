#!/usr/bin/env bash
# Sourced by the install scripts: install_missing installs the Debian packages that are not there
# yet, through apt_install PACKAGE..., which installs as root or through sudo, quietly.
apt_install() {
  [ $# -gt 0 ] || return 0
  echo "install: $*" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# install_missing PACKAGE_OF PACKAGES: PACKAGE_OF names an associative array of command ->
# Debian package (installed when the command is not on PATH), PACKAGES an array of packages
# without a command (installed when dpkg does not have them).
install_missing() {
  local -n _package_of=$1 _packages=$2
  local missing=() command package
  for command in "${!_package_of[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${_package_of[$command]}")
  done
  for package in "${_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
  done
  apt_install "${missing[@]}"
}
