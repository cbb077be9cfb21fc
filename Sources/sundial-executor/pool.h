// Sandboxes made ahead of time. Creating an inode is the slowest part of a launch on some
// filesystems (ext4 without a journal skips every recently freed inode, one by one), so the
// preparer thread keeps ready-made directories in `<data>/sandboxes/.pool` while nothing is
// waiting, and a launch renames them into place: a rename allocates no inode.
//
// Two kinds of entry: `t<n>`, a task directory holding empty `stdout` and `stderr`, and `d<n>`,
// an empty directory that becomes a missing run or job directory. Renames never replace
// anything (RENAME_NOREPLACE): a sandbox that already exists (artifacts fetched into it, a
// relaunch) is completed in place instead, as without a pool. The sandbox inventory and the
// log API ignore names that start with a dot. Only the preparer thread calls these.
#ifndef SUNDIAL_EXECUTOR_POOL_H
#define SUNDIAL_EXECUTOR_POOL_H

#include <stddef.h>

// `sandbox_root`: the absolute directory all sandboxes of this data directory live under.
// Entries a previous executor left are reused.
void pool_open(const char *sandbox_root);
// Puts a ready task directory at `sandbox`, creating missing parents from pool entries.
// Returns 0 when done, -1 when the caller must create the sandbox itself (empty pool, a path
// outside the root, an existing sandbox, a filesystem that cannot rename so).
int pool_place(const char *sandbox);
// Launches were announced: the pool is worth making before the first of them.
void pool_announced(void);
// Whether the pool holds fewer entries than `wanted_tasks` ready task directories need; always
// false before the first launch under the root or an announcement (an executor that never
// starts a task there, as in tests, makes none).
int pool_needs_more(size_t wanted_tasks);
// Makes one more entry. Returns -1 when the filesystem refuses (the pool then stops growing
// until the next launch under the root).
int pool_add_one(size_t wanted_tasks);

#endif
