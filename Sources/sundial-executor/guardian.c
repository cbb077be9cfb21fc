#define _GNU_SOURCE
#include "guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

// Linux's PID_MAX_LIMIT on 64-bit systems: no pid is larger. One bit per pid is 512 KiB of
// shared address space, of which only the pages of pids in use are ever touched.
#define MAX_PID (1 << 22)
// How long the guardian waits for the groups it killed to empty (a process in uninterruptible
// sleep dies late). A new executor waits for the guardian's lock that long at most.
#define CLEANUP_SECONDS 5.0

static uint64_t *marks;

// Atomic: children of several spawner threads mark bits of the same word while the main
// thread unmarks others.
void guardian_mark(pid_t pid) {
    if (marks && pid > 0 && pid < MAX_PID) __atomic_fetch_or(&marks[pid >> 6], 1ULL << (pid & 63), __ATOMIC_SEQ_CST);
}

void guardian_unmark(pid_t pid) {
    if (marks && pid > 0 && pid < MAX_PID) __atomic_fetch_and(&marks[pid >> 6], ~(1ULL << (pid & 63)), __ATOMIC_SEQ_CST);
}

int guardian_is_marked(pid_t pid) {
    if (!marks || pid <= 0 || pid >= MAX_PID) return 0;
    return (__atomic_load_n(&marks[pid >> 6], __ATOMIC_SEQ_CST) >> (pid & 63)) & 1;
}

static void say(const char *message, long a, long b) {
    char line[256];
    int n = snprintf(line, sizeof line, "sundial-executor guardian[%d]: ", (int)getpid());
    if (n < 0 || (size_t)n >= sizeof line) return;
    int m = snprintf(line + n, sizeof line - (size_t)n, message, a, b);
    if (m < 0) return;
    size_t length = (size_t)n + (size_t)m < sizeof line - 1 ? (size_t)n + (size_t)m : sizeof line - 2;
    line[length++] = '\n';
    ssize_t ignored = write(2, line, length);
    (void)ignored;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// The executor is dead and every marked task's main process is now our child (alive, or a
// zombie only we can reap): SIGKILL their groups, then reap whatever exits until those groups
// are empty. Their processes come here as their parents die, since we are a subreaper; what
// had left the tasks' groups is reaped if it exits meanwhile, and otherwise left to run.
static void kill_lost_groups(void) {
    size_t count = 0;
    for (size_t w = 0; w < MAX_PID / 64; w++) count += (size_t)__builtin_popcountll(marks[w]);
    if (count == 0) return;
    pid_t *groups = malloc(count * sizeof *groups);
    size_t n = 0;
    for (size_t w = 0; w < MAX_PID / 64; w++) {
        for (uint64_t bits = marks[w]; bits; bits &= bits - 1) {
            pid_t pid = (pid_t)(w * 64 + (size_t)__builtin_ctzll(bits));
            kill(-pid, SIGKILL);
            if (groups) groups[n++] = pid;
        }
    }
    say("killed the process groups of %ld tasks", (long)count, 0);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    double deadline = now_seconds() + CLEANUP_SECONDS;
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        size_t left = 0;
        for (size_t i = 0; i < n; i++) left += kill(-groups[i], 0) == 0;
        if (left == 0) break;
        if (now_seconds() >= deadline) {
            say("%ld of them still have processes after %ld s", (long)left, (long)CLEANUP_SECONDS);
            break;
        }
        // SIGCHLD stays blocked: one that arrived since the waitpid above returns at once.
        struct timespec tick = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
        sigtimedwait(&chld, NULL, &tick);
    }
    free(groups);
}

static _Noreturn void guard(pid_t executor) {
    int status = 0;
    while (waitpid(executor, &status, 0) < 0 && errno == EINTR) {}
    if (WIFSIGNALED(status)) say("executor %ld died of signal %ld", (long)executor, (long)WTERMSIG(status));
    kill_lost_groups();
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
}

int guardian_start(int executor_lock) {
    // Taken by every guardian for its whole life: waiting for it here means waiting until the
    // previous executor's guardian has dealt with its tasks.
    int lock = open(SUNDIAL_GUARDIAN_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) return -1;
    while (flock(lock, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(lock);
            return -1;
        }
    }
    void *shared = mmap(NULL, MAX_PID / 8, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        close(lock);
        return -1;
    }
    marks = shared;
    // Before the fork, so the executor's children come here even if it dies at once; the
    // executor does not inherit it (it sets its own).
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return -1;
    pid_t executor = fork();
    if (executor < 0) return -1;
    if (executor == 0) {
        close(lock);  // the guardian's alone: it is released when the guardian is done
        return 0;
    }
    close(executor_lock);  // the executor's alone: a new one may start once it is dead
    guard(executor);
}
