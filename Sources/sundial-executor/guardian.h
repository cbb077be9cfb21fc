// The executor's guardian: one process per executor (not per task) that kills the process
// groups of the executor's tasks when the executor dies.
//
// A task's main process gets SIGKILL from the kernel when the executor dies (its parent-death
// signal), but the rest of its process group would run on, unwatched, while the server reports
// the task lost and may start it again. So the process the server spawns forks: the child is
// the executor, the parent stays behind as its guardian, a child subreaper that does nothing
// but wait. When the executor dies, the kernel reparents its children (the tasks' main
// processes, alive or not yet reaped) to the guardian, which then SIGKILLs the group of every
// task marked in a bitmap shared with the executor, and reaps until those groups are empty.
//
// No pid reuse: a task is marked, by its own vfork child, before it can fork anything, and
// unmarked by the executor before it reaps the task's main process. So every marked pid is a
// process that nobody but the guardian can reap any more, and while it exists (a zombie too)
// its pid, hence its group id, cannot belong to anyone else.
//
// A second lock, held by the guardian for its whole life, makes a new executor for the same
// directory wait until the previous guardian is done: a task that a server relaunches after
// it was lost never runs side by side with what was left of its predecessor.
#ifndef SUNDIAL_EXECUTOR_GUARDIAN_H
#define SUNDIAL_EXECUTOR_GUARDIAN_H

#include <sys/types.h>

#define SUNDIAL_GUARDIAN_LOCK "executor-guardian.lock"

// Forks the executor off. In the guardian (the calling process) it never returns; in the
// executor it returns 0, or -1 with errno when nothing was forked (the caller exits).
// `executor_lock` is the executor's lock: the guardian closes its copy so that the lock goes
// with the executor. Call with SIGCHLD blocked and before any thread is started.
int guardian_start(int executor_lock);

// Marks `pid` as a task's main process. Only stores to memory: safe in a vfork child.
void guardian_mark(pid_t pid);

// Unmarks it: call after its group has been killed and before it is reaped.
void guardian_unmark(pid_t pid);

// Whether `pid` is marked: a task's main process, perhaps one whose spawner thread has not
// reported it yet.
int guardian_is_marked(pid_t pid);

#endif
