/* Capabilities.  The bounding set matters most: the command may run as
 * uid 0, and execve() grants root the bounding set unless it is empty.
 * libcap only translates names; the sets are written with raw prctl and
 * capset, which need no state. */
#include "caps.h"

#include "error.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* libcap reads a name's known prefix and ignores the rest, so
 * "cap_net_admin,cap_sys_admin" would give one capability and drop the
 * other silently: only a whole name (or the number libcap names a
 * capability it does not know by) is taken. */
int caps_parse(const char *name, uint64_t *mask)
{
  cap_value_t v;
  char *canonical;
  bool whole;

  if (strcasecmp(name, "ALL") == 0) {
    *mask = ~UINT64_C(0);
    return 0;
  }
  if (cap_from_name(name, &v) < 0 || v < 0 || v > 63)
    return -1;
  canonical = cap_to_name(v);
  whole = canonical && strcasecmp(name, canonical) == 0;
  cap_free(canonical);
  if (!whole)
    return -1;
  *mask = UINT64_C(1) << v;
  return 0;
}

static int capset_all(uint64_t keep, uint64_t held, bool inherit, struct sbx_error *e)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  for (int i = 0; i < 2; i++) {
    uint32_t word = (uint32_t)(keep >> (32 * i));
    data[i].effective = word;
    data[i].permitted = word | (uint32_t)(held >> (32 * i));
    data[i].inheritable = inherit ? word : 0;
  }
  if (syscall(SYS_capset, &hdr, data) < 0)
    return sbx_fail(e, errno, "capset");
  return 0;
}

uint64_t caps_current(void)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  if (syscall(SYS_capget, &hdr, data) < 0)
    return 0;
  return (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
}

#define BIT(cap) (UINT64_C(1) << (cap))

/* Empties the bounding set but for `keep`; returns how many capabilities
 * the kernel knows (found by probing until it says EINVAL, so caps newer
 * than our headers are dropped too). */
static int trim_bounding_set(uint64_t keep, struct sbx_error *e)
{
  int cap;
  for (cap = 0; cap < 64; cap++) {
    int r = (keep & BIT(cap)) ? prctl(PR_CAPBSET_READ, cap, 0, 0, 0)
                               : prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    if (r >= 0)
      continue;
    if (errno == EINVAL)
      break;
    return sbx_fail(e, errno, "drop capability %d from the bounding set", cap);
  }
  return cap;
}

int caps_set_exactly(uint64_t keep, uint64_t held, bool inherit, struct sbx_error *e)
{
  int known = trim_bounding_set(keep, e);

  if (known < 0)
    return -1;
  if (known < 64)
    keep &= BIT(known) - 1;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return sbx_fail(e, errno, "clear ambient capabilities");
  if (capset_all(keep, held & ~keep, inherit, e) < 0)
    return -1;
  for (int cap = 0; inherit && cap < known; cap++) {
    if ((keep & BIT(cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return sbx_fail(e, errno, "raise ambient capability %d", cap);
  }
  return 0;
}
