#include "tasks.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_string(const char *s) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t pid_slot(const struct task_table *t, pid_t pid) {
    return ((size_t)(uint32_t)pid * 2654435761u) & (t->buckets - 1);
}

int tasks_init(struct task_table *t) {
    memset(t, 0, sizeof *t);
    t->buckets = 1024;
    t->by_id = calloc(t->buckets, sizeof *t->by_id);
    t->by_pid = calloc(t->buckets, sizeof *t->by_pid);
    return t->by_id && t->by_pid ? 0 : -1;
}

// Doubles both indexes when they hold more entries than buckets; on failure keeps the old ones.
static void grow(struct task_table *t) {
    size_t buckets = t->buckets * 2;
    struct task **by_id = calloc(buckets, sizeof *by_id);
    struct task **by_pid = calloc(buckets, sizeof *by_pid);
    if (!by_id || !by_pid) {
        free(by_id);
        free(by_pid);
        return;
    }
    struct task_table old = *t;
    t->buckets = buckets;
    t->by_id = by_id;
    t->by_pid = by_pid;
    for (size_t i = 0; i < old.buckets; i++) {
        for (struct task *e = old.by_id[i], *next; e; e = next) {
            next = e->next_by_id;
            size_t slot = e->id_hash & (buckets - 1);
            e->next_by_id = by_id[slot];
            by_id[slot] = e;
        }
        for (struct task *e = old.by_pid[i], *next; e; e = next) {
            next = e->next_by_pid;
            size_t slot = pid_slot(t, e->pid);
            e->next_by_pid = by_pid[slot];
            by_pid[slot] = e;
        }
    }
    free(old.by_id);
    free(old.by_pid);
}

struct task *tasks_find(struct task_table *t, const char *id) {
    uint64_t h = hash_string(id);
    for (struct task *e = t->by_id[h & (t->buckets - 1)]; e; e = e->next_by_id)
        if (e->id_hash == h && strcmp(e->id, id) == 0) return e;
    return NULL;
}

struct task *tasks_find_pid(struct task_table *t, pid_t pid) {
    for (struct task *e = t->by_pid[pid_slot(t, pid)]; e; e = e->next_by_pid)
        if (e->pid == pid) return e;
    return NULL;
}

void tasks_add_pending(struct task_table *t, struct task *task) {
    if (t->count >= t->buckets) grow(t);
    task->id_hash = hash_string(task->id);
    task->state = TASK_PENDING;
    task->list = LIST_NONE;
    size_t slot = task->id_hash & (t->buckets - 1);
    task->next_by_id = t->by_id[slot];
    t->by_id[slot] = task;
    t->count++;
    t->pending++;
}

void tasks_mark_running(struct task_table *t, struct task *task, pid_t pid) {
    task->pid = pid;
    task->state = TASK_RUNNING;
    size_t slot = pid_slot(t, pid);
    task->next_by_pid = t->by_pid[slot];
    t->by_pid[slot] = task;
    t->pending--;
    t->running++;
}

static void remove_by_id(struct task_table *t, struct task *task) {
    struct task **p = &t->by_id[task->id_hash & (t->buckets - 1)];
    while (*p && *p != task) p = &(*p)->next_by_id;
    if (*p) *p = task->next_by_id;
    t->count--;
    free(task->id);
    free(task->sandbox);
    free(task);
}

void tasks_drop_pending(struct task_table *t, struct task *task) {
    if (task->state != TASK_PENDING) return;
    t->pending--;
    remove_by_id(t, task);
}

static void list_append(struct task_list_head *l, struct task *task) {
    task->prev = l->last;
    task->next = NULL;
    if (l->last) l->last->next = task; else l->first = task;
    l->last = task;
    l->count++;
}

static void list_remove(struct task_list_head *l, struct task *task) {
    if (task->prev) task->prev->next = task->next; else l->first = task->next;
    if (task->next) task->next->prev = task->prev; else l->last = task->prev;
    task->prev = task->next = NULL;
    l->count--;
}

void tasks_mark_stopping(struct task_table *t, struct task *task) {
    if (task->list != LIST_NONE) return;
    list_append(&t->stopping, task);
    task->list = LIST_STOPPING;
}

void tasks_stop_list_remove(struct task_table *t, struct task *task) {
    if (task->list != LIST_STOPPING) return;
    list_remove(&t->stopping, task);
    task->list = LIST_NONE;
}

void tasks_mark_exited(struct task_table *t, struct task *task, int wait_status) {
    tasks_stop_list_remove(t, task);
    struct task **p = &t->by_pid[pid_slot(t, task->pid)];
    while (*p && *p != task) p = &(*p)->next_by_pid;
    if (*p) *p = task->next_by_pid;
    task->next_by_pid = NULL;
    t->running--;
    task->state = TASK_EXITED;
    task->wait_status = wait_status;
    list_append(&t->done, task);
    task->list = LIST_DONE;
}

void tasks_forget(struct task_table *t, struct task *task) {
    if (task->state != TASK_EXITED) return;
    if (task->list == LIST_DONE) list_remove(&t->done, task);
    remove_by_id(t, task);
}
