#define _GNU_SOURCE
#include "prepare.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t submitted = PTHREAD_COND_INITIALIZER;
static struct launch *queue_first, *queue_last;  // to prepare
static struct launch *ready_first, *ready_last;  // prepared, for the main thread
static int notify;

// Creates `path` and its missing parents (mode 0755).
static int make_directories(const char *path) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) return 0;
    if (errno != ENOENT) return -1;
    char parent[PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof parent) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(parent, path, n + 1);
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent) return -1;
    *slash = 0;
    if (make_directories(parent) != 0) return -1;
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int create_file(const char *directory, const char *name) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", directory, name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

static void prepare(struct launch *l) {
    const char *stage = NULL;
    if (make_directories(l->sandbox) != 0) stage = "cannot create sandbox";
    else if (l->have_user && chown(l->sandbox, l->uid, l->gid) != 0) { /* it runs, without writing there */ }
    if (!stage && create_file(l->sandbox, "stdout") != 0) stage = "cannot create stdout in";
    if (!stage && create_file(l->sandbox, "stderr") != 0) stage = "cannot create stderr in";
    if (stage) {
        l->failed = 1;
        snprintf(l->message, sizeof l->message, "%s %s: %s", stage, l->sandbox, strerror(errno));
    }
}

static void *run(void *unused) {
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (!queue_first) pthread_cond_wait(&submitted, &lock);
        struct launch *l = queue_first;
        queue_first = l->next;
        if (!queue_first) queue_last = NULL;
        pthread_mutex_unlock(&lock);

        prepare(l);

        pthread_mutex_lock(&lock);
        l->next = NULL;
        int was_empty = ready_first == NULL;
        if (ready_last) ready_last->next = l; else ready_first = l;
        ready_last = l;
        pthread_mutex_unlock(&lock);
        // One wake-up per batch: the main thread takes the whole ready list at once.
        if (was_empty) {
            uint64_t one = 1;
            ssize_t ignored = write(notify, &one, sizeof one);
            (void)ignored;
        }
    }
    return NULL;
}

int preparer_start(int notify_fd) {
    notify = notify_fd;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, run, NULL);
    pthread_attr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

void preparer_submit(struct launch *l) {
    l->next = NULL;
    pthread_mutex_lock(&lock);
    if (queue_last) queue_last->next = l; else queue_first = l;
    queue_last = l;
    pthread_cond_signal(&submitted);
    pthread_mutex_unlock(&lock);
}

struct launch *preparer_take_ready(void) {
    pthread_mutex_lock(&lock);
    struct launch *first = ready_first;
    ready_first = ready_last = NULL;
    pthread_mutex_unlock(&lock);
    return first;
}
