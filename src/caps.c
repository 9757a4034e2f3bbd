/* Capabilities: every set emptied.  The bounding set matters most: the
 * command runs as uid 0, and execve() grants root the bounding set unless
 * it is empty.  Raw prctl/capset: no library is needed to empty sets. */


#include "error.h"
#include "sandbox.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int caps_drop_all(struct sbx_error *e)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  /* Probe upwards until the kernel says the cap does not exist, so caps
   * newer than our headers are dropped too. */
  for (int cap = 0; cap < 64; cap++) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
      continue;
    if (errno == EINVAL)
      break;
    return sbx_fail(e, errno, "drop capability %d from the bounding set", cap);
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return sbx_fail(e, errno, "clear ambient capabilities");
  if (syscall(SYS_capset, &hdr, data) < 0)
    return sbx_fail(e, errno, "capset");
  return 0;
}
