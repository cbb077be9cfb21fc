// Sandbox preparation on a thread of its own: the run and task directories and the empty
// `stdout` and `stderr` files are made here, ahead of the spawn, so that creating inodes (the
// slowest part of a launch on this machine's disk) overlaps with the spawner threads' vfork
// and exec of earlier tasks instead of adding to them. Launches stay in order.
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
    int failed;                // set by the preparer or the spawner; message holds why
    char message[512];
    pid_t pid;                 // set by the spawner once started
    long long started_us;      // and when: CLOCK_REALTIME µs, as the spawn returned
};

// The pool of ready-made sandboxes (pool.h) holds this many task directories at least, and
// at most this many however many launches a server expects.
#define POOL_BASE_SIZE 32
#define POOL_MAX_SIZE 20000

// Starts the thread. `sandboxes` is the directory all sandboxes live under, where the pool
// is kept.
int preparer_start(const char *sandboxes);
// A server expects about this many launches soon (the scheduled runs due this minute and
// the two after it): the pool grows to match while nothing waits.
void preparer_expect(size_t launches);
// Hands a launch to the thread (ownership passes until a spawner hands it back, spawners.h).
void preparer_submit(struct launch *launch);
// A launch taken from preparer_next_ready has been started (or failed).
void preparer_started(void);
// The oldest prepared launch, waiting until there is one (for the spawner threads).
struct launch *preparer_next_ready(void);

#endif
