/* The wire protocol between the launcher and pid 1 (wire.h). */
#include "wire.h"

#include "error.h"

#include <unistd.h>

/* write(), not send(): a caller's seccomp filter is told to allow write
 * (bubblewrap documents it), and pid 1 reports through here under it. */
void send_msg(int sock, int kind, int status, const struct sbx_error *e)
{
  struct sync_msg m = { .kind = kind, .status = status };
  if (e)
    m.err = *e;
  if (write(sock, &m, sizeof m) < 0 && e)
    sbx_error_print(e); /* the launcher is gone; say it ourselves */
}
