// Sandbox preparation on a thread of its own: the run and task directories and the empty
// `stdout` and `stderr` files are made here, ahead of the spawn, so that creating inodes (the
// slowest part of a launch on this machine's disk) overlaps with the main thread's vfork and
// exec of earlier tasks instead of adding to them. Launches stay in order.
#ifndef SUNDIAL_EXECUTOR_PREPARE_H
#define SUNDIAL_EXECUTOR_PREPARE_H

#include <stddef.h>
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

// The pool of ready-made sandboxes (pool.h) holds this many task directories at least, and
// at most this many however many launches a server expects.
#define POOL_BASE_SIZE 32
#define POOL_MAX_SIZE 20000

// Starts the thread; `notify_fd` (an eventfd) is written whenever launches become ready.
// `sandboxes` is the directory all sandboxes live under, where the pool is kept.
int preparer_start(int notify_fd, const char *sandboxes);
// A server expects about this many launches soon (the scheduled runs due this minute and
// the two after it): the pool grows to match while nothing waits.
void preparer_expect(size_t launches);
// Hands a launch to the thread (ownership passes until it comes back from preparer_take_ready).
void preparer_submit(struct launch *launch);
// The main thread has started a launch it took from preparer_take_ready (or failed it).
void preparer_started(void);
// The prepared launches, oldest first (a linked list through `next`), or NULL.
struct launch *preparer_take_ready(void);

#endif
