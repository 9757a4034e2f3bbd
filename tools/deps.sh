#!/bin/sh
# The file-level dependency graph of the program, and a check that it has
# no cycle: the arrows go one way (doc/design.md, "File map").
#
# Usage: tools/deps.sh OBJDIR [SRCDIR]
# An arrow A -> B means that A.o calls a function of B.o or uses its data
# (from nm: the file-level call graph), and A.h -> B.h that header A.h
# includes B.h (from SRCDIR).
# Prints TAP: one test, "not ok" with the files of each cycle (tsort's
# report) when there is one.  DEPS_PRINT=1 prints the arrows too.
set -u
objdir=${1:?usage: tools/deps.sh OBJDIR [SRCDIR]}
srcdir=${2:-}
edges=$(mktemp) || exit 1
trap 'rm -f "$edges" "$edges.sym"' EXIT

# The symbols each object defines, then the ones it uses.
for o in "$objdir"/*.o; do
  f=${o##*/}
  nm -g --defined-only "$o" | awk -v f="${f%.o}" 'NF == 3 { print "D", $3, f }'
  nm -g --undefined-only "$o" | awk -v f="${f%.o}" '{ print "U", $NF, f }'
done >"$edges.sym"
awk '$1 == "D" { def[$2] = $3 } $1 == "U" { use[NR] = $2 " " $3 }
     END { for (i in use) { split(use[i], u, " "); if ((u[1] in def) && def[u[1]] != u[2])
             print u[2], def[u[1]] } }' "$edges.sym" >"$edges"

# Includes between headers: a cycle there is a cycle between the
# subsystems they declare.
if [ -n "$srcdir" ]; then
  for h in "$srcdir"/*.h; do
    f=${h##*/}
    sed -n 's/^#include "\(.*\)".*/\1/p' "$h" | while read -r i; do
      [ -f "$srcdir/$i" ] && echo "$f $i"
    done
  done >>"$edges"
fi

sort -u "$edges" -o "$edges"
[ "${DEPS_PRINT:-0}" = 1 ] && sed 's/^/# /; s/ / -> /2' "$edges"
echo "1..1"
if loops=$(tsort "$edges" 2>&1 >/dev/null) && [ -z "$loops" ]; then
  echo "ok 1 - no cycle between the files of $objdir"
else
  echo "not ok 1 - a cycle between files (each arrow must go one way):"
  printf '%s\n' "$loops" | sed 's/^/#   /'
  exit 1
fi
