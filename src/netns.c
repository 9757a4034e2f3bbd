/* Network namespace: a new one holds only `lo`, down.  Bringing it up is
 * enough: the kernel then gives it 127.0.0.1/8 and ::1 by itself, so one
 * SIOCSIFFLAGS ioctl does the job of an rtnetlink exchange. */


#include "error.h"
#include "sandbox.h"
#include "util.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int netns_loopback_up(struct sbx_error *e)
{
  _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;

  if (s < 0)
    return sbx_fail(e, errno, "loopback: socket");
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    return sbx_fail(e, errno, "loopback: bring lo up");
  return 0;
}
