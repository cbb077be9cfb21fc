// What the executor's worker threads (prepare.c, spawners.c) share to start and to wait.
#ifndef SUNDIAL_EXECUTOR_THREADS_H
#define SUNDIAL_EXECUTOR_THREADS_H

#include <pthread.h>
#include <time.h>

// A condition variable whose timed waits read CLOCK_MONOTONIC (a wall-clock jump must not
// stretch or cut them short).
void cond_init_monotonic(pthread_cond_t *cond);
// `from` plus `ns` nanoseconds, normalized: a deadline for pthread_cond_timedwait.
struct timespec timespec_after(struct timespec from, long ns);
// Starts `count` detached threads running `run`, with 256 KiB stacks (spawn_task keeps
// PATH_MAX buffers on its stack, which its vfork child uses too). Returns -1 if one failed.
int start_detached_threads(int count, void *(*run)(void *));

#endif
