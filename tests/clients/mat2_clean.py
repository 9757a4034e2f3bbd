# mat2_clean.py FILE: reads FILE's metadata and writes a cleaned copy with
# libmat2, in its lightweight mode, where both steps run exiftool in bwrap
# (found on PATH).  Prints the metadata found, one "key: value" a line,
# then "cleaned: OUTPUT".  The library is driven directly because the
# command line of mat2 0.13.3 turns the sandbox off unless --no-sandbox
# is given.
import sys

from libmat2 import parser_factory

parser, mime = parser_factory.get_parser(sys.argv[1])
if parser is None:
    sys.exit("mat2 cannot handle %s (%s)" % (sys.argv[1], mime))
if not parser.sandbox:
    sys.exit("libmat2 would not use bwrap")
for key, value in sorted(parser.get_meta().items()):
    print("%s: %s" % (key, value))
parser.lightweight_cleaning = True
if not parser.remove_all():
    sys.exit("mat2 could not clean %s" % sys.argv[1])
print("cleaned: %s" % parser.output_filename)
