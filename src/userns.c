/* User namespace: the caller's ids mapped to the requested inside ids.
 * The child writes its own maps, which an unprivileged process may do for
 * a single id, so the launcher does not have to wait for it. */

#include "userns.h"

#include "error.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static int write_map(int dir, const char *file, const char *text, struct sbx_error *e)
{
  int r = write_file_at(dir, file, text);
  if (r < 0)
    return sbx_fail(e, -r, "write /proc/%s", file);
  return 0;
}

/* One id each way: inside <- outside.  `proc` is a /proc directory fd. */
static void map_line(char line[static 64], unsigned in, unsigned out)
{
  char *p = fmt_uint(line, in, 10);
  *p++ = ' ';
  p = fmt_uint(p, out, 10);
  strcpy(p, " 1\n");
}

static int write_maps_at(int proc, uid_t in_uid, uid_t out_uid, gid_t in_gid, gid_t out_gid,
                         struct sbx_error *e)
{
  char line[64];
  int r;

  map_line(line, in_uid, out_uid);
  if (write_map(proc, "self/uid_map", line, e) < 0)
    return -1;
  /* Required before an unprivileged gid_map write; also stops setgroups()
   * from dropping a group that denies access (CVE-2014-8989). */
  r = write_file_at(proc, "self/setgroups", "deny");
  if (r < 0 && r != -ENOENT)
    return sbx_fail(e, -r, "write /proc/self/setgroups");
  map_line(line, in_gid, out_gid);
  return write_map(proc, "self/gid_map", line, e);
}

int userns_write_maps(const struct plan *p, uid_t outer_uid, gid_t outer_gid,
                      struct sbx_error *e)
{
  _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0)
    return sbx_fail(e, errno, "open /proc");
  return write_maps_at(proc, p->uid, outer_uid, p->gid, outer_gid, e);
}

/* The limit counts namespaces below this one, so after it is set to 1
 * the nested namespace made here uses it up, and the command, inside
 * that one, cannot raise it: the knob belongs to the namespace above. */
int userns_disable(const struct plan *p, int proc_fd, struct sbx_error *e)
{
  int r = write_file_at(proc_fd, "sys/user/max_user_namespaces", "1");
  if (r < 0)
    return sbx_fail(e, -r, "--disable-userns: write /proc/sys/user/max_user_namespaces");
  if (unshare(CLONE_NEWUSER) < 0)
    return sbx_fail(e, errno, "--disable-userns: unshare the nested user namespace");
  return write_maps_at(proc_fd, p->uid, p->uid, p->gid, p->gid, e);
}

int userns_assert_disabled(struct sbx_error *e)
{
  /* If this succeeds we are in a fresh namespace, but we fail anyway. */
  if (unshare(CLONE_NEWUSER) == 0)
    return sbx_fail(e, 0, "creation of new user namespaces was not disabled as requested");
  return 0;
}

static long read_knob(const char *path)
{
  char buf[32] = "";
  FILE *f = fopen(path, "re");
  long v = -1;
  if (f) {
    if (fgets(buf, sizeof buf, f))
      v = strtol(buf, NULL, 10);
    fclose(f);
  }
  return v;
}

void userns_clone_hint(int err, struct sbx_error *e)
{
  if (read_knob("/proc/sys/kernel/unprivileged_userns_clone") == 0)
    sbx_hint(e, "unprivileged user namespaces are disabled: "
                "sysctl kernel.unprivileged_userns_clone=1");
  else if (read_knob("/proc/sys/user/max_user_namespaces") == 0)
    sbx_hint(e, "user namespaces are disabled: sysctl user.max_user_namespaces=15000");
  else if (read_knob("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
    sbx_hint(e, "AppArmor restricts unprivileged user namespaces: "
                "sysctl kernel.apparmor_restrict_unprivileged_userns=0 or add a profile");
  else if (err == ENOSPC)
    sbx_hint(e, "a namespace limit in /proc/sys/user/ was reached");
  else if (err == EINVAL)
    sbx_hint(e, "the kernel lacks one of the namespaces asked for");
}
