/* libFuzzer harness of the command-line parser: argv to plan.
 *
 * Input: NUL-terminated words, the argv after argv[0] ("sandbox"); a first
 * word "--compat=bwrap" selects the bwrap personality, as main.c does.
 * After three NULs in a row comes the payload: what --args FD reads from
 * any fd and what @FILE reads from any path containing "fuzz" (see
 * fuzz_common.h; other paths do not exist).
 *
 * Each input goes through cli_parse and, when that says "run", through
 * plan_finish (not plan_check, which looks at the real filesystem).  The
 * harness then checks what the rest of the launcher relies on: a parse
 * that succeeds yields a command, every op has what its kind needs, ids
 * and modes are in range; a parse that fails has a message.  A violation
 * aborts, which libFuzzer reports like a crash.
 *
 * Everything the parser allocated is freed after each input (the tracker
 * of fuzz_common.h), so the harness runs with leak detection on. */
#include "fuzz_common.h"

#include "cli.h"
#include "error.h"
#include "plan.h"

#include <stdbool.h>

#define MAX_WORDS 10000

/* sbx_warn of cli.o: formatted (so the format is exercised) and dropped,
 * since repeat warnings would flood the fuzzer's output. */
void fuzz_warn(const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
}

static void check_ops(const struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct fs_op *op = &p->ops[i];
    CHECK(op->dest != NULL);
    CHECK(op->option != NULL);
    switch (op->kind) {
    case OP_BIND:
      CHECK(op->src != NULL || op->fd >= 0);
      break;
    case OP_SYMLINK:
      CHECK(op->src != NULL);
      break;
    case OP_FILE: case OP_BIND_DATA:
      /* The implicit resolv.conf gets its fd from plan_check. */
      CHECK(op->fd >= 0 || (op->kind == OP_FILE && (op->flags & OPF_IMPLICIT) && op->src));
      break;
    case OP_CHMOD:
      CHECK(op->perms <= 07777);
      break;
    case OP_OVERLAY:
      CHECK(op->n_layers >= 1 && op->layers != NULL);
      CHECK(op->overlay != OVERLAY_RO || op->n_layers >= 2);
      CHECK(op->overlay != OVERLAY_RW || (op->src && op->workdir));
      for (size_t j = 0; j < op->n_layers; j++)
        CHECK(op->layers[j] != NULL);
      break;
    default:
      break;
    }
    if (op->flags & OPF_PERMS)
      CHECK(op->perms <= 07777);
    if (op->flags & OPF_SIZE)
      CHECK(op->kind == OP_TMPFS && op->size > 0);
  }
}

static void check_plan(const struct plan *p)
{
  CHECK(p->seccomp_export || (p->argv && p->argv[0]));
  CHECK(!p->uid_set || p->uid <= 4294967294u);
  CHECK(!p->gid_set || p->gid <= 4294967294u);
  CHECK(p->n_ops <= SBX_MAX_ARGS);
  for (size_t i = 0; i < p->n_env; i++)
    CHECK(p->env[i].kind != ENV_SET || (p->env[i].name && p->env[i].value));
  for (size_t i = 0; i < p->n_pass_fds; i++)
    CHECK(p->pass_fds[i] >= 0);
  for (size_t i = 0; i < p->n_lock_files; i++)
    CHECK(p->lock_files[i] != NULL);
  /* --rlimit: only the sandbox personality, and never soft above hard. */
  for (size_t i = 0; i < RLIM_NLIMITS; i++) {
    const struct plan_rlimit *r = &p->rlimits[i];
    CHECK(!r->arg || p->pers == PERS_SANDBOX);
    CHECK(!r->arg || r->soft_set || r->hard_set);
    CHECK(!(r->soft_set && r->hard_set) || r->lim.rlim_cur <= r->lim.rlim_max);
  }
  check_ops(p);
}

/* --net and friends: ports in range, helper arguments never empty, only
 * in the sandbox personality. */
static void check_net(const struct plan *p)
{
  const struct plan_net *n = &p->net;
  CHECK(p->pers == PERS_SANDBOX || ((n->mode == NET_NONE || n->mode == NET_HOST) &&
                                    !n->n_publish && !n->netns_arg));
  for (size_t i = 0; i < n->n_publish; i++) {
    CHECK(n->publish[i].host_port >= 1 && n->publish[i].host_port <= 65535);
    CHECK(n->publish[i].sandbox_port >= 1 && n->publish[i].sandbox_port <= 65535);
  }
  for (size_t i = 0; i < n->n_helper_args; i++)
    CHECK(n->helper_args[i] && n->helper_args[i][0]);
  CHECK(!n->ip_set || (n->ip.prefix >= 8 && n->ip.prefix <= 30));
}

/* What plan_finish promises in the sandbox personality (doc/design.md, "Personalities"). */
static void check_finished(const struct plan *p)
{
  check_plan(p);
  if (p->pers == PERS_SANDBOX) {
    CHECK((p->ns & (NS_USER | NS_MOUNT)) == (NS_USER | NS_MOUNT));
    CHECK(p->die_with_parent);
    CHECK(p->seccomp_profile != NULL);
  }
  CHECK(p->ns & NS_MOUNT);
  check_net(p);
  /* A helper or a bridge needs a namespace of its own; --netns has none. */
  enum net_mode m = p->net.mode;
  CHECK(!(m == NET_PASTA || m == NET_SLIRP || m == NET_BRIDGE) || (p->ns & NS_NET));
  CHECK(m != NET_JOIN || !(p->ns & NS_NET));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  /* Nothing may block on the real stdin. */
  int null = open("/dev/null", O_RDWR);
  if (null >= 0 && null != 0) {
    dup2(null, 0);
    close(null);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t split = fz_split(data, size);
  size_t payload = split + 3 <= size ? split + 3 : size;
  char *words = malloc(split + 1);
  char **argv;
  int argc = 1;
  struct plan p;
  struct sbx_error e;
  enum personality pers = PERS_SANDBOX;
  int r;

  memcpy(words, data, split);
  words[split] = '\0';
  argv = calloc(MAX_WORDS + 2, sizeof *argv);
  argv[0] = "sandbox";
  /* Words end at each NUL; a NUL at the very end ends the last word. */
  for (char *w = words, *end = words + split; w < end && argc <= MAX_WORDS; argc++) {
    argv[argc] = w;
    w += strlen(w) + 1;
  }
  argv[argc] = NULL;
  if (argc > 1 && strcmp(argv[1], "--compat=bwrap") == 0) {
    argv[1] = argv[0];
    argv++;
    argc--;
    pers = PERS_BWRAP;
  }
  int lowest_free = fz_lowest_free_fd();
  fz_files_reset(data + payload, size - payload);
  sbx_level_prefix = false;
  memset(&e, 0, sizeof e);
  plan_init(&p, pers);

  r = cli_parse(argc, argv, &p, &e);
  CHECK(r == CLI_RUN || r == CLI_EXIT_OK || r == -1);
  CHECK(memchr(e.msg, '\0', sizeof e.msg) != NULL);
  if (r == -1)
    CHECK(e.msg[0] != '\0');
  if (r == CLI_RUN) {
    check_plan(&p);
    if (!p.seccomp_export) {
      memset(&e, 0, sizeof e);
      if (plan_finish(&p, &e) == 0)
        check_finished(&p);
      else
        CHECK(e.msg[0] != '\0');
    }
  }

  fz_release_all();
  fz_files_reset(NULL, 0);
  CHECK(fz_lowest_free_fd() == lowest_free); /* no fd leaked */
  if (pers == PERS_BWRAP)
    argv--;
  free(argv);
  free(words);
  return 0;
}
