#define _GNU_SOURCE
#include "prepare.h"
#include "files.h"
#include "pool.h"
#include "threads.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t submitted;  // monotonic clock (preparer_start)
static pthread_cond_t prepared;   // for the spawner threads
static struct launch *queue_first, *queue_last;  // to prepare
static struct launch *ready_first, *ready_last;  // prepared, for the spawner threads
static const char *sandbox_root;
// Ready task directories kept in the pool while no launch waits: enough for a burst of this
// many launches to skip creating inodes.
static size_t pool_wanted = POOL_BASE_SIZE;
static int announced;                // launches were announced since the preparer last looked
static size_t unstarted;             // launches submitted and not started yet
static struct timespec last_start;   // when the latest one started (monotonic)
#define REFILL_AFTER_NS 200000000L

static void prepare(struct launch *l) {
    const char *stage = NULL;
    if (pool_place(l->sandbox) == 0) {
        if (l->have_user && chown(l->sandbox, l->uid, l->gid) != 0) { /* as below */ }
        return;
    }
    if (make_directories(l->sandbox) != 0) stage = "cannot create sandbox";
    else if (l->have_user && chown(l->sandbox, l->uid, l->gid) != 0) { /* it runs, without writing there */ }
    if (!stage && create_empty_file(l->sandbox, "stdout") != 0) stage = "cannot create stdout in";
    if (!stage && create_empty_file(l->sandbox, "stderr") != 0) stage = "cannot create stderr in";
    if (stage) {
        l->failed = 1;
        snprintf(l->message, sizeof l->message, "%s %s: %s", stage, l->sandbox, strerror(errno));
    }
}

static void *run(void *unused) {
    (void)unused;
    pool_open(sandbox_root);
    for (;;) {
        pthread_mutex_lock(&lock);
        for (;;) {
            if (announced) {
                pool_announced();
                announced = 0;
            }
            if (queue_first) break;
            // Refill only once every launch has started and none came for a while: made
            // during a burst, entries would take CPU from the very processes being started.
            if (unstarted > 0 || !pool_needs_more(pool_wanted)) {
                pthread_cond_wait(&submitted, &lock);
                continue;
            }
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long long quiet_ns = (now.tv_sec - last_start.tv_sec) * 1000000000LL + (now.tv_nsec - last_start.tv_nsec);
            if (quiet_ns >= REFILL_AFTER_NS) break;
            struct timespec until = timespec_after(last_start, REFILL_AFTER_NS);
            pthread_cond_timedwait(&submitted, &lock, &until);
        }
        struct launch *l = queue_first;
        size_t wanted = pool_wanted;
        if (l) {
            queue_first = l->next;
            if (!queue_first) queue_last = NULL;
        }
        pthread_mutex_unlock(&lock);
        if (!l) {
            // One entry at a time, so that a launch arriving meanwhile waits for one at most.
            pool_add_one(wanted);
            continue;
        }

        prepare(l);

        pthread_mutex_lock(&lock);
        l->next = NULL;
        if (ready_last) ready_last->next = l; else ready_first = l;
        ready_last = l;
        pthread_cond_signal(&prepared);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int preparer_start(const char *sandboxes) {
    sandbox_root = sandboxes;
    pthread_cond_init(&prepared, NULL);
    cond_init_monotonic(&submitted);
    return start_detached_threads(1, run);
}

void preparer_submit(struct launch *l) {
    l->next = NULL;
    pthread_mutex_lock(&lock);
    if (queue_last) queue_last->next = l; else queue_first = l;
    queue_last = l;
    unstarted++;
    pthread_cond_signal(&submitted);
    pthread_mutex_unlock(&lock);
}

void preparer_started(void) {
    pthread_mutex_lock(&lock);
    unstarted--;
    clock_gettime(CLOCK_MONOTONIC, &last_start);
    if (unstarted == 0) pthread_cond_signal(&submitted);
    pthread_mutex_unlock(&lock);
}

struct launch *preparer_next_ready(void) {
    pthread_mutex_lock(&lock);
    while (!ready_first) pthread_cond_wait(&prepared, &lock);
    struct launch *l = ready_first;
    ready_first = l->next;
    if (!ready_first) ready_last = NULL;
    pthread_mutex_unlock(&lock);
    l->next = NULL;
    return l;
}

void preparer_expect(size_t launches) {
    size_t wanted = launches < POOL_BASE_SIZE ? POOL_BASE_SIZE : launches > POOL_MAX_SIZE ? POOL_MAX_SIZE : launches;
    pthread_mutex_lock(&lock);
    pool_wanted = wanted;
    if (launches > 0) announced = 1;
    pthread_cond_signal(&submitted);
    pthread_mutex_unlock(&lock);
}
