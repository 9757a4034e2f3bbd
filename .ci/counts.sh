# Sourced by the CI step scripts: the counters behind their closing line
# "N passed, N failed, N skipped", and `finish`, which prints it and exits
# non-zero when anything failed.  .ci/run adds these lines up.
passed=0
failed=0
skipped=0

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}
