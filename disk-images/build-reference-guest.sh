#!/bin/sh
# Builds (on first use) the reference guest into disk-images/build/reference/ and prints its
# files with their SHA-256. Arguments go to org.x86play.images.ReferenceGuestBuilder
# (--force rebuilds). Needs apt-get and dpkg-deb, not root; changes nothing on the host.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${X86PLAY_TARGET:-target-img}
classes="$here/$target/classes"
main_class="$classes/org/x86play/images/ReferenceGuestBuilder.class"
cp_file="$here/$target/classpath.txt"
if [ ! -f "$main_class" ] || [ ! -f "$cp_file" ] || [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$main_class" | head -n 1)" ]; then
  compile() {
    (cd "$root" && mvn -B -ntp -q -Dstyle.color=never "$@" -Dx86play.target="$target" -pl disk-images \
        compile dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2)
  }
  compile -o || compile   # offline first; online only if a dependency is missing
fi
exec java -cp "$classes:$(cat "$cp_file")" org.x86play.images.ReferenceGuestBuilder --build-dir "$here/build" "$@"
