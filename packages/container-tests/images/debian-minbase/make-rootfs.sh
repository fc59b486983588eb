#!/usr/bin/env bash
# Makes the root filesystem of the local Debian base image: debootstrap's minbase (essential
# packages and apt) of one release from the machine's own mirror, brought up to date from the
# release's update and security suites, with the machine's files that debootstrap copies in
# (resolv.conf, hostname) and apt's caches removed. The container runtime supplies the former.
#
#   make-rootfs.sh ROOTFS RELEASE MIRROR SOURCES
#
# SOURCES is a deb822 file naming the release's suites on the machine's mirror; it becomes the
# image's apt configuration, so `apt-get install` in a Dockerfile reads the same archive.
set -euo pipefail
# debootstrap and chroot live in sbin, which a non-login PATH can leave out.
PATH="$PATH:/usr/sbin:/sbin"

rootfs=$1 release=$2 mirror=$3 sources=$4

debootstrap --variant=minbase "$release" "$rootfs" "$mirror"

rm -f "$rootfs/etc/apt/sources.list"
install -m 0644 "$sources" "$rootfs/etc/apt/sources.list.d/debian.sources"

# Maintainer scripts of upgraded packages read /proc; it is mounted for the upgrade only.
mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc"' EXIT
chroot "$rootfs" apt-get update -qq
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get upgrade --yes -qq
chroot "$rootfs" apt-get clean
umount "$rootfs/proc"
trap - EXIT

rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log \
  "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old
rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
