#!/usr/bin/env bats
# mat2 on the bwrap personality: libmat2 runs exiftool through `bwrap` from
# PATH, once to read a file's metadata and once to write a cleaned copy
# into an empty directory bound over the output's.

load ../integration/helpers
load clients_helpers

setup_file() {
	need_cmd strace exiftool || return 0
	need_python_module libmat2 'import libmat2.parser_factory' || return 0
	need_python_module GdkPixbuf 'import gi; gi.require_version("GdkPixbuf", "2.0")' || return 0
	MT_DIR=$(mktemp -d "$FIXTURES/mt.XXXXXX")
	export MT_DIR
	client_home "$MT_DIR"
	private_bwrap "$MT_DIR"
}

setup() {
	skip_if_missing
}

# clean_with_mat2 FILE: mat2_clean.py on FILE, traced, in FILE's directory
# (mat2 binds the working directory into its sandbox).
clean_with_mat2() {
	cd "${1%/*}" &&
		traced "$MT_DIR/${1##*/}.trace" env PATH="${OUR_BWRAP%/*}:$PATH" \
			"$HOST_PYTHON" "$BATS_TEST_DIRNAME/mat2_clean.py" "$1"
}

@test "mat2 removes the Artist and Comment of a JPEG, with exiftool in our bwrap" {
	local picture=$MT_DIR/jpeg/photo.jpg
	mkdir -p "$MT_DIR/jpeg"
	make_image "$picture" 32 24 jpeg
	run exiftool -q -overwrite_original -Artist="Jane Sbxtest" -Comment="a secret comment" "$picture"
	assert_success

	run --separate-stderr clean_with_mat2 "$picture"
	assert_success
	# Read by exiftool inside the sandbox.
	assert_line "Artist: Jane Sbxtest"
	assert_line "Comment: a secret comment"
	assert_line "cleaned: $MT_DIR/jpeg/photo.cleaned.jpg"
	assert_bwrap_ran "$MT_DIR/photo.jpg.trace" --unshare-pid --unshare-net /usr/bin/exiftool -json
	assert_bwrap_ran "$MT_DIR/photo.jpg.trace" --unshare-pid --unshare-net /usr/bin/exiftool -all=

	run exiftool -s -s -s -Artist -Comment "$MT_DIR/jpeg/photo.cleaned.jpg"
	assert_success
	assert_output_equals ""
	run image_info "$MT_DIR/jpeg/photo.cleaned.jpg"
	assert_output_equals "jpeg 32x24"
	# The original is left as it was.
	run exiftool -s -s -s -Artist "$picture"
	assert_output_equals "Jane Sbxtest"
}

@test "mat2 removes the Author and Comment of a PNG, with exiftool in our bwrap" {
	local picture=$MT_DIR/png/drawing.png
	mkdir -p "$MT_DIR/png"
	make_image "$picture" 40 20 png
	run exiftool -q -overwrite_original -PNG:Author="Jane Sbxtest" -PNG:Comment="a secret comment" "$picture"
	assert_success

	run --separate-stderr clean_with_mat2 "$picture"
	assert_success
	assert_line "Author: Jane Sbxtest"
	assert_line "Comment: a secret comment"
	assert_line "cleaned: $MT_DIR/png/drawing.cleaned.png"
	assert_bwrap_ran "$MT_DIR/drawing.png.trace" /usr/bin/exiftool -json
	assert_bwrap_ran "$MT_DIR/drawing.png.trace" /usr/bin/exiftool -all=

	run exiftool -s -s -s -PNG:Author -PNG:Comment "$MT_DIR/png/drawing.cleaned.png"
	assert_success
	assert_output_equals ""
	run image_info "$MT_DIR/png/drawing.cleaned.png"
	assert_output_equals "png 40x20"
}
