#define _GNU_SOURCE
#include "pool.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

// Entry numbers, last made first out.
struct stack {
    uint64_t *items;
    size_t count, capacity;
};

static struct stack ready_tasks, ready_directories;
static char root[PATH_MAX];
static size_t root_length;
static char pool_directory[PATH_MAX];
static uint64_t next_number = 1;
static int usable;  // a root is set and renames into it work
static int refused; // making an entry failed: no more until the next launch under the root
static int wanted;  // a launch came for the root, or launches were announced: worth keeping a pool

static int push(struct stack *s, uint64_t n) {
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 64;
        uint64_t *items = realloc(s->items, capacity * sizeof *items);
        if (!items) return -1;
        s->items = items;
        s->capacity = capacity;
    }
    s->items[s->count++] = n;
    return 0;
}

static int pop(struct stack *s, uint64_t *n) {
    if (s->count == 0) return 0;
    *n = s->items[--s->count];
    return 1;
}

static void entry_path(char *out, char kind, uint64_t n) {
    snprintf(out, PATH_MAX, "%s/%c%llu", pool_directory, kind, (unsigned long long)n);
}

void pool_open(const char *sandbox_root) {
    size_t n = strlen(sandbox_root);
    while (n > 1 && sandbox_root[n - 1] == '/') n--;
    if (sandbox_root[0] != '/' || n + 16 >= sizeof root) return;
    memcpy(root, sandbox_root, n);
    root[n] = 0;
    root_length = n;
    snprintf(pool_directory, sizeof pool_directory, "%s/.pool", root);
    usable = 1;
    DIR *d = opendir(pool_directory);
    if (!d) return;  // made on first use
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char kind = e->d_name[0];
        if (kind != 't' && kind != 'd') continue;
        char *end;
        errno = 0;
        unsigned long long number = strtoull(e->d_name + 1, &end, 10);
        if (errno || *end || end == e->d_name + 1) continue;
        if (number >= next_number) next_number = number + 1;
        if (kind == 't') {
            // One left half-made by a previous executor gets its files now.
            char path[PATH_MAX];
            entry_path(path, 't', number);
            if (create_empty_file(path, "stdout") != 0 || create_empty_file(path, "stderr") != 0) continue;
            push(&ready_tasks, number);
        } else {
            push(&ready_directories, number);
        }
    }
    closedir(d);
}

// Makes `directory` (below the root) exist: from a pool entry when there is one, its own
// missing parents first.
static int make_directory(const char *directory, int depth) {
    if (strlen(directory) <= root_length || depth > 64) return make_directories(directory);
    uint64_t n;
    if (!pop(&ready_directories, &n)) return make_directories(directory);
    char from[PATH_MAX];
    entry_path(from, 'd', n);
    if (renameat2(AT_FDCWD, from, AT_FDCWD, directory, RENAME_NOREPLACE) == 0) return 0;
    int error = errno;
    if (error == EEXIST) {
        push(&ready_directories, n);  // the entry did not move
        return 0;
    }
    if (access(from, F_OK) == 0) push(&ready_directories, n);
    if (error != ENOENT) {
        errno = error;
        return -1;
    }
    // ENOENT: the parent is missing too.
    char parent[PATH_MAX];
    if (parent_of(directory, parent) != 0 || make_directory(parent, depth + 1) != 0) return -1;
    return make_directory(directory, depth + 1);
}

int pool_place(const char *sandbox) {
    if (!usable || strncmp(sandbox, root, root_length) != 0 || sandbox[root_length] != '/') return -1;
    refused = 0;  // each launch lets a pool that could not grow try again
    wanted = 1;
    uint64_t n;
    if (!pop(&ready_tasks, &n)) return -1;
    // The run directory first: for a new run it is missing, and placing it before the task
    // directory costs one rename, where trying the task directory first costs a failed one
    // more. An existing one (a task relaunched within its run) is left as it is.
    char parent[PATH_MAX];
    if (parent_of(sandbox, parent) == 0) make_directory(parent, 0);  // on failure the rename below says why
    char from[PATH_MAX];
    entry_path(from, 't', n);
    if (renameat2(AT_FDCWD, from, AT_FDCWD, sandbox, RENAME_NOREPLACE) == 0) return 0;
    int error = errno;
    // EINVAL: this filesystem cannot rename without replacing; EXDEV: the pool is elsewhere.
    if (error == EINVAL || error == EXDEV || error == ENOSYS) usable = 0;
    if (error == EEXIST || access(from, F_OK) == 0) push(&ready_tasks, n);
    errno = error;
    return -1;
}

void pool_announced(void) { wanted = 1; }

int pool_needs_more(size_t wanted_tasks) {
    if (!usable || refused || !wanted) return 0;
    // Each fresh run needs a run directory besides its task directory, and the first run of
    // a job a job directory as well: up to two directories per task.
    return ready_tasks.count < wanted_tasks || ready_directories.count < 2 * wanted_tasks;
}

int pool_add_one(size_t wanted_tasks) {
    if (mkdir(pool_directory, 0755) != 0 && errno != EEXIST) {
        refused = 1;
        return -1;
    }
    // Task directories first, one directory entry after each, so a burst that arrives before
    // the pool is full finds both kinds.
    int task = ready_tasks.count < wanted_tasks &&
        (2 * ready_tasks.count <= ready_directories.count || ready_directories.count >= 2 * wanted_tasks);
    uint64_t n = next_number++;
    char path[PATH_MAX];
    entry_path(path, task ? 't' : 'd', n);
    if (mkdir(path, 0755) != 0) {
        refused = 1;
        return -1;
    }
    if (task && (create_empty_file(path, "stdout") != 0 || create_empty_file(path, "stderr") != 0)) {
        refused = 1;
        return -1;  // the half-made entry gets its files when an executor next opens the pool
    }
    if (push(task ? &ready_tasks : &ready_directories, n) != 0) {
        refused = 1;
        return -1;
    }
    return 0;
}
