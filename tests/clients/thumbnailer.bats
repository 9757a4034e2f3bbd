#!/usr/bin/env bats
# The GNOME thumbnailer sandbox on the bwrap personality: libgnome-desktop's
# thumbnail factory runs gdk-pixbuf-thumbnailer through `bwrap` from PATH,
# with --unshare-all, a seccomp filter of its own (--seccomp FD) and the
# picture and output directory bound in.

load ../integration/helpers
load clients_helpers

setup_file() {
	need_cmd strace gdk-pixbuf-thumbnailer || return 0
	need_python_module GnomeDesktop \
		'import gi; gi.require_version("GnomeDesktop", "3.0"); from gi.repository import GnomeDesktop' ||
		return 0
	TH_DIR=$(mktemp -d "$FIXTURES/th.XXXXXX")
	export TH_DIR
	client_home "$TH_DIR"
	private_bwrap "$TH_DIR"
}

setup() {
	skip_if_missing
}

# png_text FILE KEY: the tEXt chunk KEY of a PNG.
png_text() {
	"$HOST_PYTHON" - "$1" "$2" <<'EOF'
import sys
import gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
print(GdkPixbuf.Pixbuf.new_from_file(sys.argv[1]).get_option("tEXt::" + sys.argv[2]))
EOF
}

@test "the GNOME thumbnail factory thumbnails a PNG with gdk-pixbuf-thumbnailer in our bwrap" {
	local picture=$TH_DIR/pictures/wide.png uri expected
	mkdir -p "$TH_DIR/pictures"
	make_image "$picture" 640 320 png
	uri=file://$picture
	expected=$XDG_CACHE_HOME/thumbnails/normal/$(printf '%s' "$uri" | md5sum | cut -d' ' -f1).png

	run --separate-stderr traced "$TH_DIR/thumbnail.trace" \
		env PATH="${OUR_BWRAP%/*}:$PATH" "$HOST_PYTHON" "$BATS_TEST_DIRNAME/thumbnail.py" "$picture"
	assert_success
	assert_output_equals "$expected"
	assert_bwrap_ran "$TH_DIR/thumbnail.trace" --unshare-all --seccomp /usr/bin/gdk-pixbuf-thumbnailer

	# A normal thumbnail fits in 128x128 and keeps the aspect ratio.
	run image_info "$expected"
	assert_success
	assert_output_equals "png 128x64"
	run png_text "$expected" Thumb::URI
	assert_output_equals "$uri"
}
