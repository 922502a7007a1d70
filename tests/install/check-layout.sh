#!/bin/sh
# An install of this build into a staging directory (DESTDIR): the tool in
# <prefix>/bin, the plugins in their directory (under the prefix unless
# told otherwise), and every installed program, plugin and library finding
# our libraries through its rpath, with no path of the build tree in it.
# Usage: check-layout.sh BUILD_DIR BINDIR LIBDIR PLUGINSDIR PREFIX|-
# (PREFIX: the plugins directory must lie under it; - when it was chosen)
set -eu
build=$1 bindir=$2 libdir=$3 pluginsdir=$4 prefix=$5

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --no-rebuild --destdir "$stage" >"$stage.log" 2>&1 ||
  { cat "$stage.log"; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"

failed=0
fail () {
  echo "FAIL: $*"
  failed=1
}

if [ "$prefix" != - ]; then
  case "$pluginsdir" in
    "$prefix"/*) ;;
    *) fail "plugins go to $pluginsdir, outside the prefix $prefix" ;;
  esac
fi

tool=$stage$bindir/gst-worker-launch
[ -x "$tool" ] || fail "no $bindir/gst-worker-launch"

objects=$tool
for p in workers autonomy mavlink; do
  [ -e "$stage$pluginsdir/libgst$p.so" ] || fail "plugin $p is not in $pluginsdir"
done
# every plugin installed there, those added later too
for so in "$stage$pluginsdir"/libgst*.so; do
  [ -e "$so" ] && objects="$objects $so"
done
# libgstautonomy needs libgstworker (libgstworker needs none of ours)
so=$stage$libdir/libgstautonomy-1.0.so.0
if [ -e "$so" ]; then
  objects="$objects $so"
else
  fail "no $libdir/libgstautonomy-1.0.so.0"
fi

for o in $objects; do
  rpath=$(readelf -d "$o" | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p')
  case ":$rpath:" in
    *:"$libdir":*) ;;
    *) fail "${o#$stage} does not find $libdir (rpath '$rpath')" ;;
  esac
  case "$rpath" in
    *"$(cd "$build" && pwd)"*) fail "${o#$stage} keeps the build tree in its rpath '$rpath'" ;;
  esac
done

[ $failed -eq 0 ] && echo "installed layout: the tool, the plugins and libgstautonomy, rpaths ok"
exit $failed
