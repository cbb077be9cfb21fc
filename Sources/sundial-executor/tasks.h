// The executor's task table: every task by id, running ones by pid, stopping ones in a list
// (for their SIGKILL deadlines) and finished ones in arrival order until acknowledged.
#ifndef SUNDIAL_EXECUTOR_TASKS_H
#define SUNDIAL_EXECUTOR_TASKS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum task_state { TASK_PENDING, TASK_RUNNING, TASK_EXITED };  // pending: sandbox being prepared
enum task_list { LIST_NONE, LIST_STOPPING, LIST_DONE };

struct task {
    char *id;
    char *sandbox;             // touched when the task exits: its mtime is the task's end
    uint64_t id_hash;
    pid_t pid;                 // also the id of its process group and session
    enum task_state state;
    int stop_requested;
    int killed;                // SIGKILL sent after the grace period
    double grace;              // seconds
    double kill_at;            // CLOCK_MONOTONIC seconds, while stopping
    int wait_status;           // once exited
    int asked_by;              // a connection asked while pending: answered once started (-1: none)
    unsigned asked_generation;
    struct task *next_by_id, *next_by_pid;
    enum task_list list;
    struct task *prev, *next;  // in the stopping or the done list
};

struct task_list_head {
    struct task *first, *last;
    size_t count;
};

struct task_table {
    struct task **by_id;
    struct task **by_pid;
    size_t buckets;            // a power of two, for both indexes
    size_t count;              // tasks in by_id
    size_t running;            // tasks in by_pid
    size_t pending;            // tasks waiting for their sandbox
    struct task_list_head stopping, done;
};

int tasks_init(struct task_table *t);
struct task *tasks_find(struct task_table *t, const char *id);
struct task *tasks_find_pid(struct task_table *t, pid_t pid);
// Takes ownership of `task` (allocated with malloc, id and sandbox too), not yet started.
void tasks_add_pending(struct task_table *t, struct task *task);
// The pending task has started as `pid`.
void tasks_mark_running(struct task_table *t, struct task *task, pid_t pid);
// Removes and frees a pending task that could not be started.
void tasks_drop_pending(struct task_table *t, struct task *task);
void tasks_mark_stopping(struct task_table *t, struct task *task);
void tasks_stop_list_remove(struct task_table *t, struct task *task);
// Moves a running task to the done list with its wait status.
void tasks_mark_exited(struct task_table *t, struct task *task, int wait_status);
// Removes and frees a finished task.
void tasks_forget(struct task_table *t, struct task *task);

#endif
