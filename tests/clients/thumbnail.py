# thumbnail.py FILE: has GnomeDesktopThumbnailFactory make and save the
# normal-size thumbnail of FILE, as Nautilus does; prints the thumbnail's
# path.  The factory runs the thumbnailer in bwrap, found on PATH.
import sys

import gi

gi.require_version("GnomeDesktop", "3.0")
from gi.repository import Gio, GnomeDesktop  # noqa: E402

size = GnomeDesktop.DesktopThumbnailSize.NORMAL
gfile = Gio.File.new_for_path(sys.argv[1])
info = gfile.query_info("standard::content-type,time::modified", Gio.FileQueryInfoFlags.NONE, None)
uri = gfile.get_uri()
mtime = info.get_attribute_uint64("time::modified")
mime = info.get_content_type()

factory = GnomeDesktop.DesktopThumbnailFactory.new(size)
if not factory.can_thumbnail(uri, mime, mtime):
    sys.exit("no thumbnailer for %s (%s)" % (uri, mime))
pixbuf = factory.generate_thumbnail(uri, mime, None)
factory.save_thumbnail(pixbuf, uri, mtime, None)
print(GnomeDesktop.desktop_thumbnail_path_for_uri(uri, size))
