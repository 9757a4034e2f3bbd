/* Destinations are resolved inside the new root, never outside it.
 *
 * The fast path is one openat2(RESOLVE_IN_ROOT), which the kernel keeps
 * inside the root whatever symlinks or ".." it meets.  When something is
 * missing (and must be created), or openat2 is unavailable, a component
 * walk does the same in user space: each component is opened with
 * O_NOFOLLOW relative to its parent's fd, a symlink is read and its target
 * walked again from the root (absolute) or the parent (relative), and ".."
 * never climbs above the root.  A dangling symlink leads to its target
 * being created, inside the root. */

#include "mount_paths.h"

#include "error.h"
#include "mount_api.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LINKS 40

static int openat2_in_root(int root, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t)(flags | O_PATH | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

/* The walk's state: a stack of directory fds from the root down, and the
 * components still to visit (a symlink splices its target in front).
 * Both live in the struct, on the stack, for the usual depth: the child's
 * setup keeps off the heap (doc/design.md, "Launch cost"). */
#define WALK_FEW 16

struct walk {
  mode_t parent_mode, leaf_mode; /* for what the walk creates */
  int *stack;
  size_t depth, cap;
  int few[WALK_FEW];
  char rest[2 * PATH_MAX]; /* remaining path: a link target, then the rest */
  int links;
};

static void walk_free(struct walk *w)
{
  for (size_t i = 1; i <= w->depth; i++)
    close(w->stack[i]);
  if (w->stack != w->few)
    free(w->stack);
}

static int top(const struct walk *w)
{
  return w->stack[w->depth];
}

static void push(struct walk *w, int fd)
{
  if (w->depth + 2 > w->cap && w->stack == w->few) {
    w->stack = xmalloc(2 * w->cap * sizeof *w->stack);
    memcpy(w->stack, w->few, sizeof w->few);
    w->cap *= 2;
  }
  xgrow(&w->stack, &w->cap, w->depth + 2, sizeof *w->stack);
  w->stack[++w->depth] = fd;
}

/* Takes the next component off w->rest into comp; false when done. */
static bool next_component(struct walk *w, char *comp, bool *last)
{
  char *s = w->rest;
  size_t len;

  while (*s == '/')
    s++;
  len = strcspn(s, "/");
  if (len == 0)
    return false;
  memcpy(comp, s, len);
  comp[len] = '\0';
  s += len;
  while (*s == '/')
    s++;
  *last = *s == '\0';
  memmove(w->rest, s, strlen(s) + 1);
  return true;
}

/* Replaces the component just taken by the symlink's target. */
static int splice_link(struct walk *w, int link_fd, struct sbx_error *e, const char *path)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat(link_fd, "", target, sizeof target - 1);
  size_t left = strlen(w->rest);

  if (n < 0)
    return sbx_fail(e, errno, "%s: readlink", path);
  target[n] = '\0';
  if (++w->links > MAX_LINKS)
    return sbx_fail(e, ELOOP, "%s", path);
  if ((size_t)n + 1 + left >= sizeof w->rest)
    return sbx_fail(e, ENAMETOOLONG, "%s", path);
  if (target[0] == '/')
    while (w->depth > 0)
      close(w->stack[w->depth--]);
  memmove(w->rest + n + 1, w->rest, left + 1);
  memcpy(w->rest, target, (size_t)n);
  w->rest[n] = '/';
  return 0;
}

static int create_missing(int dir, const char *comp, bool file, mode_t mode)
{
  if (!file)
    return mkdirat(dir, comp, mode) < 0 && errno != EEXIST ? -1 : 0;
  int fd = openat(dir, comp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return errno == EEXIST ? 0 : -1;
  close(fd);
  return 0;
}

static int open_component(struct walk *w, const char *comp, bool last, enum mk mk,
                          const char *path, struct sbx_error *e)
{
  int fd = openat(top(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && mk != MK_NONE) {
    if (create_missing(top(w), comp, last && mk == MK_FILE,
                       last ? w->leaf_mode : w->parent_mode) < 0)
      return sbx_fail(e, errno, "%s: create '%s'", path, comp);
    fd = openat(top(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0)
    return sbx_fail(e, errno, "%s", path);
  return fd;
}

static int walk_step(struct walk *w, const char *comp, bool last, enum mk mk,
                     const char *path, struct sbx_error *e)
{
  struct stat st;
  int fd;

  if (strcmp(comp, ".") == 0)
    return 0;
  if (strcmp(comp, "..") == 0) {
    if (w->depth > 0)
      close(w->stack[w->depth--]);
    return 0;
  }
  fd = open_component(w, comp, last, mk, path, e);
  if (fd < 0)
    return -1;
  if (fstat(fd, &st) < 0) {
    close(fd);
    return sbx_fail(e, errno, "%s: stat", path);
  }
  if (S_ISLNK(st.st_mode)) {
    int r = splice_link(w, fd, e, path);
    close(fd);
    return r;
  }
  if (!last && !S_ISDIR(st.st_mode)) {
    close(fd);
    return sbx_fail(e, ENOTDIR, "%s: '%s'", path, comp);
  }
  push(w, fd);
  return 0;
}

static int walk_path(const struct mount_ctx *c, const char *path, enum mk mk, int *out,
                     struct sbx_error *e)
{
  struct walk w; /* not zeroed: its buffers are filled as they are used */
  int root = c->root_fd;
  char comp[NAME_MAX + 1];
  bool last = true;
  int r = 0;

  if (strlen(path) >= PATH_MAX)
    return sbx_fail(e, ENAMETOOLONG, "%.40s...", path);
  /* stack[0] is the root (borrowed, never closed); depth 0 = at the root. */
  w.parent_mode = c->parent_mode;
  w.leaf_mode = c->leaf_mode;
  w.depth = 0;
  w.links = 0;
  w.stack = w.few;
  w.cap = WALK_FEW;
  w.stack[0] = root;
  strcpy(w.rest, path);
  while (r == 0) {
    size_t len = strcspn(w.rest + strspn(w.rest, "/"), "/");
    if (len > NAME_MAX) {
      r = sbx_fail(e, ENAMETOOLONG, "%s", path);
      break;
    }
    if (!next_component(&w, comp, &last))
      break;
    r = walk_step(&w, comp, last, mk, path, e);
  }
  if (r == 0)
    *out = w.depth > 0 ? steal_fd(&w.stack[w.depth--]) : fcntl(root, F_DUPFD_CLOEXEC, 3);
  walk_free(&w);
  return r;
}

/* Opens the leaf just created in dir, not following it; -1 if it is not
 * what was made (something swapped it, in a directory the host shares). */
static int open_created(int dir, const char *leaf, enum mk mk)
{
  struct stat st;
  int fd;

  if (mk == MK_DIR)
    return openat(dir, leaf, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  fd = openat(dir, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The common missing destination, `--bind SRC /new`: the parent exists
 * and only the leaf is missing.  The leaf is created in the parent (the
 * root itself, or found by openat2 like any path) and opened without
 * following it: for a directory under the root, three system calls in
 * all where the walk takes five.
 * Anything else, a missing parent, a leaf that exists after all (a
 * dangling symlink), "." or "..", returns -1 and is the walk's to do. */
static int create_leaf(const struct mount_ctx *c, const char *path, enum mk mk)
{
  char parent[PATH_MAX], leaf[NAME_MAX + 1];
  size_t end = strlen(path), start, plen;
  int dir, fd = -1;

  while (end > 0 && path[end - 1] == '/')
    end--;
  start = end;
  while (start > 0 && path[start - 1] != '/')
    start--;
  if (end == start || end - start > NAME_MAX || start >= sizeof parent)
    return -1;
  memcpy(leaf, path + start, end - start);
  leaf[end - start] = '\0';
  if (strcmp(leaf, ".") == 0 || strcmp(leaf, "..") == 0)
    return -1;
  plen = strspn(path, "/") >= start ? 0 : start;
  memcpy(parent, path, plen);
  parent[plen] = '\0';
  dir = plen ? openat2_in_root(c->root_fd, parent, O_DIRECTORY) : c->root_fd;
  if (dir < 0)
    return -1;
  if (create_missing(dir, leaf, mk == MK_FILE, c->leaf_mode) == 0)
    fd = open_created(dir, leaf, mk);
  if (dir != c->root_fd)
    close(dir);
  return fd;
}

int path_open(struct mount_ctx *c, const char *path, enum mk mk, int *out, struct sbx_error *e)
{
  if (!c->resolve_fallback) {
    int fd = openat2_in_root(c->root_fd, path, mk == MK_DIR ? O_DIRECTORY : 0);
    if (fd < 0) {
      if (errno == ENOSYS || errno == E2BIG)
        c->resolve_fallback = true;
      else if (errno != ENOENT || mk == MK_NONE)
        return sbx_fail(e, errno, "%s", path);
      else
        fd = create_leaf(c, path, mk);
    }
    if (fd >= 0) {
      *out = fd;
      return 0;
    }
  }
  return walk_path(c, path, mk, out, e);
}

int path_open_parent(struct mount_ctx *c, const char *path, int *out,
                     char base[static NAME_MAX + 1], struct sbx_error *e)
{
  char parent[PATH_MAX];
  size_t end = strlen(path), start;
  mode_t leaf = c->leaf_mode;
  int r;

  while (end > 0 && path[end - 1] == '/')
    end--;
  start = end;
  while (start > 0 && path[start - 1] != '/')
    start--;
  if (start == end)
    return sbx_fail(e, EINVAL, "%s: no file name", path);
  if (end - start > NAME_MAX || start >= sizeof parent)
    return sbx_fail(e, ENAMETOOLONG, "%s", path);
  memcpy(base, path + start, end - start);
  base[end - start] = '\0';
  memcpy(parent, path, start);
  parent[start] = '\0';
  c->leaf_mode = c->parent_mode;
  r = path_open(c, start ? parent : "/", MK_DIR, out, e);
  c->leaf_mode = leaf;
  return r;
}
