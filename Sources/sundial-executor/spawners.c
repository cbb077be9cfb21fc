#define _GNU_SOURCE
#include "spawners.h"

#include "executor.h"
#include "threads.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived;  // monotonic clock (spawners_start)
static struct launch *started_first, *started_last;
static int notify;

// Starts one launch: its argv and environment point into the request's fields, which the
// main thread does not touch until the launch comes back.
static void spawn_launch(struct launch *l) {
    if (l->failed) return;
    const char **f = l->fields;
    unsigned long argc = strtoul(f[7], NULL, 10), envc = strtoul(f[8 + argc], NULL, 10);
    gid_t groups[256];
    int ngroups = l->have_user ? parse_groups(f[5], groups, 256) : 0;
    char **argv = malloc((argc + 1) * sizeof *argv);
    char **envp = malloc((envc + 1) * sizeof *envp);
    if (!argv || !envp) {
        l->failed = 1;
        snprintf(l->message, sizeof l->message, "out of memory");
    } else {
        for (unsigned long i = 0; i < argc; i++) argv[i] = (char *)f[8 + i];
        argv[argc] = NULL;
        for (unsigned long i = 0; i < envc; i++) envp[i] = (char *)f[9 + argc + i];
        envp[envc] = NULL;
        struct spawn_request request = {
            .sandbox = l->sandbox, .have_user = l->have_user, .uid = l->uid, .gid = l->gid, .groups = groups,
            .ngroups = ngroups, .shell = strcmp(f[6], "sh") == 0, .argv = argv, .argc = (int)argc, .envp = envp,
            .nice = task_nice,
        };
        l->pid = spawn_task(&request, l->message, sizeof l->message);
        l->failed = l->pid < 0;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        l->started_us = (long long)now.tv_sec * 1000000LL + now.tv_nsec / 1000;
    }
    free(argv);
    free(envp);
}

static void *run(void *unused) {
    (void)unused;
    for (;;) {
        struct launch *l = preparer_next_ready();
        spawn_launch(l);
        preparer_started();
        pthread_mutex_lock(&lock);
        l->next = NULL;
        int was_empty = started_first == NULL;
        if (started_last) started_last->next = l; else started_first = l;
        started_last = l;
        pthread_cond_broadcast(&arrived);
        pthread_mutex_unlock(&lock);
        // One wake-up per batch: the main thread takes the whole list at once.
        if (was_empty) {
            uint64_t one = 1;
            ssize_t ignored = write(notify, &one, sizeof one);
            (void)ignored;
        }
    }
    return NULL;
}

int spawners_start(int count, int notify_fd) {
    notify = notify_fd;
    cond_init_monotonic(&arrived);
    return start_detached_threads(count, run);
}

struct launch *spawners_take_started(void) {
    pthread_mutex_lock(&lock);
    struct launch *first = started_first;
    started_first = started_last = NULL;
    pthread_mutex_unlock(&lock);
    return first;
}

void spawners_wait(int timeout_ms) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct timespec until = timespec_after(now, (long)timeout_ms * 1000000L);
    pthread_mutex_lock(&lock);
    while (!started_first)
        if (pthread_cond_timedwait(&arrived, &lock, &until) != 0) break;
    pthread_mutex_unlock(&lock);
}
