/* The sandbox's user namespace: id maps, --disable-userns. */
#ifndef SBX_USERNS_H
#define SBX_USERNS_H

#include "plan.h"

#include <sys/types.h>

struct sbx_error;

int userns_write_maps(const struct plan *p, uid_t outer_uid, gid_t outer_gid,
                      struct sbx_error *e);
/* Adds a hint explaining why clone(CLONE_NEWUSER) failed. */
void userns_clone_hint(int err, struct sbx_error *e);
/* --disable-userns: cap this namespace at the one nested namespace the
 * command then runs in, so nothing inside can create another. */
int userns_disable(const struct plan *p, int proc_fd, struct sbx_error *e);
int userns_assert_disabled(struct sbx_error *e);

#endif
