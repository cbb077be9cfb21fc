// The spawner threads: they take prepared launches in order (prepare.h), vfork and exec each
// task (spawn.h) and hand it back to the main thread, which records it and replies. One
// thread per core: a vfork suspends the thread that calls it until the child has exec'd, and
// that part of a process start (the child's setup, the kernel's exec) is most of what a
// launch costs the executor; on a single thread it left the other cores idle during a burst.
//
// The main thread learns of a task's pid from its started launch, which can come after the
// task has already exited: the reaper waits for it (spawners_wait) when it meets a pid that
// is marked as a task's (guardian.h) but is not in the task table yet.
//
// The threads never exit: a task's parent-death signal follows the thread that forked it.
#ifndef SUNDIAL_EXECUTOR_SPAWNERS_H
#define SUNDIAL_EXECUTOR_SPAWNERS_H

struct launch;

// Starts `count` threads; `notify_fd` (an eventfd) is written when started launches are
// waiting for the main thread. Call with SIGCHLD blocked (the threads inherit the mask).
int spawners_start(int count, int notify_fd);
// The started (or failed) launches, oldest first (a linked list through `next`), or NULL.
struct launch *spawners_take_started(void);
// Waits until at least one started launch is waiting, or `timeout_ms` has passed.
void spawners_wait(int timeout_ms);

#endif
