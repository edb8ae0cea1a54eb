#!/usr/bin/env bash
# Prepares (up) or releases (down) the directories the integration-test server uses:
#   DIR/tmp      the server's java.io.tmpdir: a small tmpfs (32 MiB) when we can mount one, so the
#                seed scenario (an upload several times larger than java.io.tmpdir) is real
#   DIR/results  depot.results-dir
#   DIR/server   the server's own files: Payara Micro's --rootdir (its ~100 MiB runtime must not land
#                in the tmpfs), WildFly's configuration, data, log and temp folders
#   DIR/small    a 64 MiB tmpfs the fault tests point depot.results-dir at, to fill a disk for real
#   DIR/inodes   a tmpfs with room for bytes but only 128 inodes, to run out of inodes for real
# One DIR per test server (target/it for Payara Micro, target/it/wildfly), each with its own tmpfs.
# DIR/tmpfs-status says which kind of java.io.tmpdir the server got; the seed IT reads it and fails on
# CI (CI=true) when it is not a tmpfs.
set -euo pipefail
action=${1:?up|down}
dir=${2:?directory}
size=${DEPOT_IT_TMPFS_SIZE:-32m}

unmount() {
  for m in "$dir/tmp" "$dir/small" "$dir/inodes"; do
    if mountpoint -q "$m" 2>/dev/null; then
      umount "$m" || umount -l "$m"
    fi
  done
}

# Every mount at or below DIR, deepest first: a build that died (or the other server's folder nested
# inside this one) can leave tmpfs mounts behind, and rm -rf cannot remove a mount point.
unmount_all_below() {
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}

case "$action" in
  up)
    unmount_all_below
    rm -rf "$dir"
    mkdir -p "$dir/tmp" "$dir/results" "$dir/server" "$dir/small" "$dir/inodes"
    if [ "$(id -u)" = 0 ] && mount -t tmpfs -o "size=$size,mode=1777" depot-it-tmp "$dir/tmp" 2>"$dir/mount.err"; then
      echo "tmpfs $size" >"$dir/tmpfs-status"
      mount -t tmpfs -o "size=64m,mode=0755" depot-it-small "$dir/small"
      mount -t tmpfs -o "size=16m,nr_inodes=128,mode=0755" depot-it-inodes "$dir/inodes"
      echo "it-dirs: java.io.tmpdir for the test server is a $size tmpfs at $dir/tmp"
    else
      reason="not root"
      [ "$(id -u)" = 0 ] && reason="mount failed: $(cat "$dir/mount.err")"
      echo "plain ($reason)" >"$dir/tmpfs-status"
      echo "it-dirs: WARNING: could not mount a tmpfs for java.io.tmpdir ($reason)." >&2
      echo "it-dirs: WARNING: the seed scenario test will fail on CI and be skipped elsewhere." >&2
    fi
    ;;
  down)
    unmount
    ;;
  *)
    echo "usage: $0 up|down DIR" >&2
    exit 2
    ;;
esac
