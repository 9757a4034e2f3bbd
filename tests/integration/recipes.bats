#!/usr/bin/env bats
# The recipes of doc/recipes.md, run exactly as written there: each
# ```sh block after a "<!-- recipe: NAME -->" line is executed by bash in a
# scratch directory that has the launcher on PATH as `sandbox` and the
# source tree's doc/ as ./doc, and what it printed is compared with the
# block that follows it in the document.  The checks below then confirm
# what the text claims happened.
#
# Needs the source tree's doc/: SANDBOX_SRCDIR names the directory holding
# it (tests/run-tests.sh copies it into TESTROOT).

load helpers
load net_helpers

SRCDIR=${SANDBOX_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
RECIPES=$SRCDIR/doc/recipes.md

setup() {
	[[ -f $RECIPES ]] ||
		skip "doc/recipes.md not found under '$SRCDIR': set SANDBOX_SRCDIR to the source tree"
}

teardown() {
	# An Xvfb the x11 recipe left running (it kills its own on success).
	local pids
	if [[ -n ${X_DISPLAY:-} ]]; then
		pids=$(pgrep -u "$(id -u)" -f "^Xvfb :$X_DISPLAY " || true)
		# shellcheck disable=SC2086 # one pid per word
		[[ -z $pids ]] || kill $pids 2>/dev/null || true
	fi
}

# recipe_script NAME: the ```sh block of recipe NAME.
recipe_script() {
	awk -v want="<!-- recipe: $1 -->" '
		$0 == want { found = 1; next }
		found && /^```sh$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }' "$RECIPES"
}

# recipe_expected NAME: the plain ``` block right after recipe NAME's
# script (what it prints), if there is one before the next heading.
recipe_expected() {
	awk -v want="<!-- recipe: $1 -->" '
		$0 == want { state = 1; next }
		state == 1 && /^```sh$/ { state = 2; next }
		state == 2 && /^```$/ { state = 3; next }
		state == 3 && /^(#|<!-- recipe:)/ { exit }
		state == 3 && /^```$/ { state = 4; next }
		state == 4 && /^```$/ { exit }
		state == 4 { print }' "$RECIPES"
}

# prepare_workdir: a scratch directory for a recipe, in $WORK, with
# bin/sandbox (the launcher under test), doc (the source tree's) and an
# empty home directory that the user can write.
prepare_workdir() {
	WORK=$(fixture_dir)
	mkdir "$WORK/bin" "$WORK/home"
	ln -s "$SANDBOX" "$WORK/bin/sandbox"
	ln -s "$SRCDIR/doc" "$WORK/doc"
}

# run_recipe NAME [SED-EXPR]: runs recipe NAME (edited by SED-EXPR) in
# $WORK with `run --separate-stderr`.
run_recipe() {
	local script
	script=$(recipe_script "$1")
	if [[ -z $script ]]; then
		echo "no recipe '$1' in $RECIPES" >&2
		return 1
	fi
	[[ -z ${2:-} ]] || script=$(sed -e "$2" <<<"$script")
	RECIPE_SCRIPT=$script
	run --separate-stderr timeout -k 5 120 env -C "$WORK" PATH="$WORK/bin:$PATH" \
		HOME="$WORK/home" bash -e -c "$script"
}

# run_recipe_edited NAME SED-EXPR WANT WHAT: run_recipe NAME SED-EXPR,
# making sure first that the edit took (the script holds WANT); WHAT says
# what the recipe was expected to have.
run_recipe_edited() {
	local edited
	edited=$(recipe_script "$1" | sed -e "$2")
	if [[ $edited != *"$3"* ]]; then
		echo "the recipe '$1' has no $4" >&2
		return 1
	fi
	run_recipe "$1" "$2"
}

# assert_recipe_output NAME: $output is what the document says recipe NAME
# prints.
assert_recipe_output() {
	local expected
	expected=$(recipe_expected "$1")
	if [[ -z $expected ]]; then
		echo "recipe '$1' documents no output" >&2
		return 1
	fi
	if [[ $output != "$expected" ]]; then
		echo "recipe '$1' printed something else than doc/recipes.md says:" >&2
		diff <(printf '%s\n' "$expected") <(printf '%s\n' "$output") >&2
		show_run
		return 1
	fi
}

@test "recipes: every recipe of doc/recipes.md has a test" {
	local names
	names=$(sed -n 's/^<!-- recipe: \([a-z0-9-]*\) -->$/\1/p' "$RECIPES" | sort | tr '\n' ' ')
	[[ $names == "build download throwaway webserver x11 " ]] || {
		echo "recipes in the document: $names" >&2
		return 1
	}
	local f
	for f in build download throwaway x11; do
		[[ -f $SRCDIR/doc/examples/$f.opts ]] || {
			echo "doc/examples/$f.opts is missing" >&2
			return 1
		}
	done
}

@test "recipes: build isolation: the build writes only its output directory" {
	prepare_workdir
	host_snapshot
	run_recipe build
	assert_success
	assert_recipe_output build
	# The program was built where it was allowed to be, and works.
	[[ -x $WORK/demo-out/hello ]]
	run "$WORK/demo-out/hello"
	assert_output_equals "hello from a sandboxed build"
	# The misbehaving step wrote nothing anywhere.
	[[ ! -e $WORK/demo/stamp-in-source ]]
	[[ ! -e $WORK/home/stamp-in-home ]]
	run ls -A "$WORK/home"
	assert_output_equals ""
	run ls -A "$WORK/demo"
	assert_output_equals "Makefile
hello.c"
	host_unchanged
}

@test "recipes: build isolation: without the sandbox the same build does misbehave" {
	# The control: the Makefile's attempts are real, so their failure above
	# is the sandbox's doing.
	command -v make >/dev/null || skip "make is not installed"
	prepare_workdir
	cp -r "$SRCDIR/doc/examples/build-demo" "$WORK/demo"
	run env -C "$WORK/demo" HOME="$WORK/home" make O=/nonexistent misbehave
	assert_success
	assert_line "misbehave: wrote into the source tree"
	assert_line "misbehave: wrote into HOME"
	[[ -e $WORK/demo/stamp-in-source && -e $WORK/home/stamp-in-home ]]
}

@test "recipes: throw-away root shell: every write vanishes with the sandbox" {
	prepare_workdir
	host_snapshot
	run_recipe throwaway
	assert_success
	assert_recipe_output throwaway
	# The project is as it was.
	run ls -A "$WORK/project"
	assert_output_equals "data.txt"
	run cat "$WORK/project/data.txt"
	assert_output_equals "precious"
	host_unchanged
	# A second sandbox on the same profile sees none of the first one's
	# writes.
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" "$SANDBOX" \
		"@$SRCDIR/doc/examples/throwaway.opts" -- /bin/sh -c \
		'test ! -e /etc/sandbox-was-here && echo clean; touch /usr/x && echo usr-writable'
	assert_success
	assert_line clean
	assert_line usr-writable
	assert_stderr_empty
	[[ ! -e /usr/x ]]
}

# xwd_stats FILE: "COLOURS WHITE" for an XWD screenshot: the number of
# distinct pixel values and the number of white pixels.
xwd_stats() {
	perl -e '
		local $/;
		open my $f, "<", $ARGV[0] or die "$ARGV[0]: $!\n";
		binmode $f;
		my $d = <$f>;
		my @h = unpack "N25", $d;
		my ($hsize, $version, $format, $w, $h) = @h[0, 1, 2, 4, 5];
		my ($order, $bpp, $bpl, $ncolors) = @h[7, 11, 12, 19];
		die "not a 24/32-bit XWD ZPixmap\n" unless $version == 7 && $format == 2 && $bpp == 32;
		my $off = $hsize + 12 * $ncolors;
		my (%seen, $white);
		for my $y (0 .. $h - 1) {
			# byte_order 0 is LSBFirst; the top byte is padding.
			for my $px (unpack $order ? "N*" : "V*", substr($d, $off + $y * $bpl, $w * 4)) {
				$px &= 0xffffff;
				$seen{$px} = 1;
				$white++ if $px == 0xffffff;
			}
		}
		printf "%d %d\n", scalar keys %seen, $white // 0;' "$1"
}

@test "recipes: X11 client through the display socket only, checked by a screenshot" {
	local tool
	for tool in Xvfb xlogo xwd; do
		command -v "$tool" >/dev/null ||
			skip "$tool is not installed (apt-get install xvfb x11-apps)"
	done
	if [[ -e /tmp/.X11-unix && ! -w /tmp/.X11-unix ]]; then
		skip "/tmp/.X11-unix is not writable by $(id -un): Xvfb cannot create its socket"
	fi
	# A display number nobody uses.
	local n
	for ((n = 142; n < 400; n++)); do
		[[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] || break
	done
	X_DISPLAY=$n
	prepare_workdir
	run_recipe_edited x11 "s/^D=42 .*/D=$n/" "D=$n" "a line 'D=42 ...' to choose the display"
	assert_success
	# Without the socket bound in, the client finds no display: the
	# abstract socket is in the host's network namespace.
	assert_line "without the socket: exit 1"
	[[ $stderr == *"Can't open display: :$n"* ]] || {
		show_run
		return 1
	}
	# The screenshot shows what xlogo drew: the screen is black (-br), the
	# logo is black on a white 200x200 window.
	[[ -s $WORK/screenshot.xwd ]]
	run xwd_stats "$WORK/screenshot.xwd"
	assert_success
	local colours white
	read -r colours white <<<"$output"
	if ((colours < 2 || white < 5000)); then
		echo "the screenshot shows no xlogo window: $colours colours, $white white pixels" >&2
		return 1
	fi
	# Xvfb is gone and has removed its socket and lock.
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || break
		sleep 0.1
	done
	[[ ! -e /tmp/.X11-unix/X$n && ! -e /tmp/.X$n-lock ]]
}

@test "recipes: a web server in a sandbox, reached through --publish" {
	need_mode pasta
	command -v curl >/dev/null || skip "curl is not installed (apt-get install curl)"
	local port
	port=$(free_port)
	prepare_workdir
	host_snapshot
	# Port 8080 may be taken here: the recipe on a free one.
	run_recipe_edited webserver "s/8080/$port/g" "-p $port:8000" "'-p 8080:8000' to change"
	assert_success
	assert_recipe_output webserver
	assert_no_helper
	# The port is the host's again.
	run python3 "$NETTOOL" tcp-get 127.0.0.1 "$port" 1
	assert_output_equals ECONNREFUSED
	host_unchanged
}

@test "recipes: a build that may download but cannot reach the host's loopback" {
	need_mode slirp4netns
	need_testnet
	command -v curl >/dev/null || skip "curl is not installed (apt-get install curl)"
	prepare_workdir
	mkdir "$WORK/www"
	echo "<p>a dependency</p>" >"$WORK/www/index.html"
	# The download comes from a web server of the test's own network
	# (testnet), under a name its DNS responder answers, through the
	# helper's forwarder: no real network, no real resolver.
	local script
	script=$(recipe_script download | sed 's|https://www.debian.org/|http://www.sandbox.test:8000/|')
	[[ $script == *"http://www.sandbox.test:8000/"* ]] || {
		echo "the recipe downloads nothing from https://www.debian.org/" >&2
		return 1
	}
	TESTNET_ENV=(WORK="$WORK" RECIPE="$script")
	run --separate-stderr testnet '
serve dns dns-serve 53 10.99.0.1
python3 -m http.server --bind 10.99.0.1 8000 --directory "$WORK/www" 2>/dev/null &
until curl -fs -o /dev/null http://10.99.0.1:8000/; do sleep 0.1; done
env -C "$WORK" PATH="$WORK/bin:$PATH" HOME="$WORK/home" bash -e -c "$RECIPE"'
	assert_success
	assert_recipe_output download
	run cat "$WORK/dl/index.html"
	assert_output_equals "<p>a dependency</p>"
	assert_no_helper
}

