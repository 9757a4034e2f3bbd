/* The plan's seccomp programs, read before anything is created: the
 * --seccomp-profile program, then the caller's --seccomp and
 * --add-seccomp-fd programs.  In the bwrap personality a few failures are
 * worded as bubblewrap words them (doc/design.md, "Command line and
 * diagnostics"). */
#include "error.h"
#include "plan.h"
#include "seccomp.h"
#include "util.h"

#include <errno.h>
#include <unistd.h>

/* A raw classic-BPF program: whole sock_filter records, at most the
 * kernel's BPF_MAXINSNS (4096) of them. */
#define BPF_MAX_BYTES (4096 * 8)

static int read_bpf(const struct plan *p, int fd, const char *option, struct sbx_bpf *out,
                    struct sbx_error *e)
{
  _cleanup_free_ unsigned char *buf = xmalloc(BPF_MAX_BYTES + 1);
  size_t n = 0;
  ssize_t r;
  int err = 0;

  while (n <= BPF_MAX_BYTES && (r = read(fd, buf + n, BPF_MAX_BYTES + 1 - n)) != 0) {
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      err = errno;
      break;
    }
    n += (size_t)r;
  }
  close(fd);
  if (err && p->pers == PERS_BWRAP)
    return sbx_fail(e, err, "Can't read seccomp data");
  if (err)
    return sbx_fail(e, err, "--%s %d: read", option, fd);
  /* Past BPF_MAX_BYTES the read stopped at an odd length: a program
   * that long is refused by check_bpf for its size, whatever its length. */
  if (n <= BPF_MAX_BYTES && n % 8 != 0 && p->pers == PERS_BWRAP)
    return sbx_fail(e, 0, "Invalid seccomp data, must be multiple of 8");
  if (n <= BPF_MAX_BYTES && n % 8 != 0)
    return sbx_fail(e, 0, "--%s %d: invalid seccomp data, must be a multiple of 8 bytes",
                    option, fd);
  *out = (struct sbx_bpf){ steal_ptr(&buf), n };
  return 0;
}

static int check_bpf(const struct sbx_bpf *f, const char *option, struct sbx_error *e)
{
  if (f->len == 0 || f->len > BPF_MAX_BYTES)
    return sbx_fail(e, 0, "--%s: invalid seccomp data, must hold 1 to 4096 instructions", option);
  return 0;
}

/* The --seccomp-profile program comes first, so that on a tie the
 * caller's own --seccomp/--add-seccomp-fd programs, installed after it,
 * decide the errno.  As in bubblewrap, each fd is read and its length
 * checked in turn, and an empty program is refused only once all are
 * read. */
int seccomp_plan_load(struct plan *p, struct sbx_error *e)
{
  const char *option = p->add_seccomp_given ? "add-seccomp-fd" : "seccomp";
  struct sbx_bpf f;
  size_t first;

  if (p->seccomp_fd >= 0)
    plan_add_seccomp_fd(p, p->seccomp_fd);
  /* plan_finish could not tell a policy file from a built-in (plan.h). */
  p->seccomp_early = p->seccomp_early && seccomp_profile_is_builtin(p->seccomp_profile);
  if (seccomp_profile_get(p->seccomp_profile, &f, e) < 0)
    return -1;
  xgrow(&p->seccomp, &p->cap_seccomp, p->n_seccomp_fds + 1, sizeof *p->seccomp);
  if (f.len)
    p->seccomp[p->n_seccomp++] = f;
  first = p->n_seccomp;
  for (size_t i = 0; i < p->n_seccomp_fds; i++) {
    if (read_bpf(p, p->seccomp_fds[i], option, &p->seccomp[p->n_seccomp], e) < 0)
      return -1;
    p->n_seccomp++;
  }
  for (size_t i = first; i < p->n_seccomp; i++)
    if (check_bpf(&p->seccomp[i], option, e) < 0)
      return -1;
  return 0;
}
