// Sandbox preparation on a thread of its own: the run and task directories and the empty
// `stdout` and `stderr` files are made here, ahead of the spawn, so that creating inodes (the
// slowest part of a launch on this machine's disk) overlaps with the main thread's vfork and
// exec of earlier tasks instead of adding to them. Launches stay in order.
#ifndef SUNDIAL_EXECUTOR_PREPARE_H
#define SUNDIAL_EXECUTOR_PREPARE_H

#include <sys/types.h>

struct task;

struct launch {
    struct launch *next;
    struct task *task;         // the pending task this launch starts
    int connection;            // where the reply goes, if that connection still exists
    unsigned generation;
    char *blob;                // the request's fields, copied
    const char **fields;       // pointers into blob
    int nfields;
    const char *sandbox;
    int have_user;
    uid_t uid;
    gid_t gid;
    int failed;                // set by the preparer; message holds why
    char message[512];
};

// Starts the thread; `notify_fd` (an eventfd) is written whenever launches become ready.
int preparer_start(int notify_fd);
// Hands a launch to the thread (ownership passes until it comes back from preparer_take_ready).
void preparer_submit(struct launch *launch);
// The prepared launches, oldest first (a linked list through `next`), or NULL.
struct launch *preparer_take_ready(void);

#endif
