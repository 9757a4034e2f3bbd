#!/bin/bash
# .ci/pristine-source.sh DEST: copies the source tree to DEST (which must
# exist) without any in-tree build, and runs autogen.sh there, so that a
# VPATH build can be configured from it (configure refuses a source tree
# that is configured itself).  In a git checkout: the tracked and not
# ignored files; otherwise everything but the CI build directories, then
# distclean.  Run from the top of the source tree.
set -euo pipefail
dest=$1
if git rev-parse --git-dir >/dev/null 2>&1; then
	{ git ls-files; git ls-files --others --exclude-standard; } | sort -u |
		while IFS= read -r f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 cp --parents -a -t "$dest"
else
	tar --exclude=./build-asan --exclude=./build-fuzz -cf - . | tar -xf - -C "$dest"
	(cd "$dest" && { [ ! -f Makefile ] || make distclean >/dev/null 2>&1; })
fi
cd "$dest" && ./autogen.sh >/dev/null
