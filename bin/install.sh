#!/bin/sh
# Installs a built callscope under PREFIX (default /usr/local), without Maven:
#   PREFIX/share/callscope/        the launcher, callscope.jar and the class-data-sharing archive
#   PREFIX/bin/callscope           a symbolic link to the launcher
#   PREFIX/share/man/man1/         the man pages (man callscope, man callscope-calls, ...)
#   PREFIX/share/bash-completion/completions/callscope, PREFIX/share/zsh/site-functions/_callscope
# Build first (mvn -q package -DskipTests), then: sh bin/install.sh [PREFIX]
# DESTDIR is put in front of every path, for packagers; CALLSCOPE_BUILD names another directory
# holding callscope.jar and the launcher (default: target/ of this source tree). The archive is made again for the installed
# jar (an archive only serves the jar path it was made for); without java on PATH it is left out.
set -eu

src=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
prefix=${1:-/usr/local}
case "$prefix" in
  /*) ;;
  *) prefix=$(pwd)/$prefix ;;
esac
dest=${DESTDIR:-}$prefix
build=${CALLSCOPE_BUILD:-$src/target}

if [ ! -f "$build/callscope.jar" ] || [ ! -f "$build/callscope" ]; then
  echo "install.sh: $build/callscope.jar is missing: build it first (mvn -q package -DskipTests)" >&2
  exit 2
fi

lib=$dest/share/callscope
mkdir -p "$lib" "$dest/bin" "$dest/share/man/man1" "$dest/share/bash-completion/completions" \
  "$dest/share/zsh/site-functions"

# the jar and launcher, each written beside its place and then moved over it
cp "$build/callscope.jar" "$lib/.callscope.jar.new" && mv -f "$lib/.callscope.jar.new" "$lib/callscope.jar"
cp "$build/callscope" "$lib/.callscope.new" && chmod 755 "$lib/.callscope.new" && mv -f "$lib/.callscope.new" "$lib/callscope"
rm -f "$lib/callscope.jsa"
if [ -f "$build/callscope.classlist" ] && command -v "${JAVA:-java}" >/dev/null 2>&1; then
  # as the build does: a static archive of the classes the common commands load
  "${JAVA:-java}" -Xshare:dump -XX:SharedClassListFile="$build/callscope.classlist" \
    -XX:SharedArchiveFile="$lib/callscope.jsa" -XX:+UseSerialGC -jar "$lib/callscope.jar" >/dev/null 2>&1 \
    || rm -f "$lib/callscope.jsa"
fi

ln -sf ../share/callscope/callscope "$dest/bin/callscope"
for page in "$src"/man/*.1; do
  cp "$page" "$dest/share/man/man1/"
done
cp "$src/completions/callscope.bash" "$dest/share/bash-completion/completions/callscope"
cp "$src/completions/_callscope" "$dest/share/zsh/site-functions/_callscope"

echo "installed callscope in $prefix (run $prefix/bin/callscope; man callscope)"
