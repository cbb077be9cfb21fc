#define _GNU_SOURCE
#include "executor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int parse_ulong(const char *s, unsigned long *out) {
    if (!*s) return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno) return -1;
    *out = v;
    return 0;
}

int parse_groups(const char *s, gid_t *out, int max) {
    int n = 0;
    while (*s) {
        if (n == max) return -1;
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || (*end != ',' && *end)) return -1;
        out[n++] = (gid_t)v;
        s = *end ? end + 1 : end;
    }
    return n;
}

// Checks a launch request, records the task as pending and hands it to the preparer; the
// reply comes when it has started (finish_launch).
void handle_launch(int index, const uint8_t *frame, size_t length, const char **f, int n) {
    struct connection *c = &connections[index];
    // id sandbox grace_ms uid gid groups mode argc argv... envc env...
    if (n < 9) {
        reply_failed(c, n > 0 ? f[0] : "", "malformed launch request");
        return;
    }
    const char *id = f[0];
    unsigned long grace_ms, argc, envc, uid = 0, gid = 0;
    int have_user = f[3][0] != 0;
    if (!*id || f[1][0] != '/' || parse_ulong(f[2], &grace_ms) != 0 || parse_ulong(f[7], &argc) != 0 || argc < 1 ||
        argc > (unsigned long)n || 8 + argc >= (unsigned long)n || parse_ulong(f[8 + argc], &envc) != 0 ||
        9 + argc + envc != (unsigned long)n || (have_user && (parse_ulong(f[3], &uid) != 0 || parse_ulong(f[4], &gid) != 0))) {
        reply_failed(c, id, "malformed launch request");
        return;
    }
    if (strcmp(f[6], "sh") != 0 && strcmp(f[6], "exec") != 0) {
        reply_failed(c, id, "unknown launch mode");
        return;
    }
    gid_t groups[256];
    if (have_user && parse_groups(f[5], groups, 256) < 0) {
        reply_failed(c, id, "malformed supplementary groups");
        return;
    }
    if (tasks_find(&tasks, id)) {
        reply_failed(c, id, "a task with this id was already launched");
        return;
    }
    struct task *t = calloc(1, sizeof *t);
    struct launch *l = calloc(1, sizeof *l);
    char *blob = malloc(length);
    const char **fields = malloc((size_t)n * sizeof *fields);
    if (t) {
        t->id = strdup(id);
        t->sandbox = strdup(f[1]);
    }
    if (!t || !t->id || !t->sandbox || !l || !blob || !fields) {
        if (t) free(t->id), free(t->sandbox);
        free(t), free(l), free(blob), free(fields);
        reply_failed(c, id, "out of memory");
        return;
    }
    t->grace = (double)grace_ms / 1000.0;
    t->asked_by = -1;
    tasks_add_pending(&tasks, t);
    memcpy(blob, frame, length);
    frame_fields((const uint8_t *)blob, length, fields, n);
    *l = (struct launch){
        .task = t, .connection = index, .generation = generations[index], .blob = blob, .fields = fields, .nfields = n,
        .sandbox = t->sandbox, .have_user = have_user, .uid = (uid_t)uid, .gid = (gid_t)gid,
    };
    preparer_submit(l);
}

void begin_stop(struct task *t) {
    kill(-t->pid, SIGTERM);
    kill(t->pid, SIGTERM);  // also when the task moved itself to another group
    if (t->grace <= 0) {
        kill(-t->pid, SIGKILL);
        kill(t->pid, SIGKILL);
        t->killed = 1;
        return;
    }
    t->kill_at = now_seconds() + t->grace;
    tasks_mark_stopping(&tasks, t);
}

// Records a launch the spawner threads have started (or failed) and replies.
void finish_launch(struct launch *l) {
    struct task *t = l->task;
    struct connection *c = connections[l->connection].fd >= 0 && generations[l->connection] == l->generation
        ? &connections[l->connection] : NULL;
    int asked = t->asked_by >= 0 && connections[t->asked_by].fd >= 0 && generations[t->asked_by] == t->asked_generation
        ? t->asked_by : -1;
    if (l->failed) {
        if (c) reply_failed(c, t->id, l->message);
        char *id = strdup(t->id);
        tasks_drop_pending(&tasks, t);
        if (asked >= 0 && id) reply_state(asked, id);  // now unknown
        free(id);
    } else {
        tasks_mark_running(&tasks, t, l->pid);
        if (c) reply_launched(c, t->id, l->pid, l->started_us);
        if (asked >= 0) reply_state(asked, t->id);
        if (t->stop_requested) begin_stop(t);  // asked while it was being prepared or started
    }
    free(l->blob);
    free(l->fields);
    free(l);
}

void finish_started_launches(void) {
    for (struct launch *l = spawners_take_started(), *next; l; l = next) {
        next = l->next;
        finish_launch(l);
    }
}

void handle_stop(const char *id) {
    struct task *t = tasks_find(&tasks, id);
    if (!t || t->state == TASK_EXITED || t->stop_requested) return;
    t->stop_requested = 1;
    if (t->state == TASK_RUNNING) begin_stop(t);  // a pending one stops as soon as it starts
}

void handle_ack(const char *id) {
    struct task *t = tasks_find(&tasks, id);
    if (t && t->state == TASK_EXITED) tasks_forget(&tasks, t);
}

void handle_exit_request(struct connection *c) {
    int others = 0;
    for (int i = 0; i < MAX_CONNECTIONS; i++) others += connections[i].fd >= 0 && &connections[i] != c;
    int leaving = tasks.running == 0 && tasks.pending == 0 && tasks.done.count == 0 && others == 0;
    struct frame_writer w;
    frame_begin(&w, &c->out, 'x');
    frame_field(&w, leaving ? "bye" : "busy");
    frame_end(&w);
    flush_all();
    if (leaving) exit_unless_someone_came();
}

// Handles every complete frame a connection has sent. Returns -1 on a protocol error.
int handle_frames(int index) {
    struct connection *c = &connections[index];
    size_t length = 0;
    const uint8_t *frame;
    while ((frame = next_frame(&c->in, &length)) != NULL) {
        if (length == 0) return -1;
        int n = frame_fields(frame, length, NULL, 0);
        if (n < 0) return -1;
        const char **f = malloc(((size_t)n + 1) * sizeof *f);
        if (!f) return -1;
        frame_fields(frame, length, f, n);
        switch (frame[0]) {
        case 'L': handle_launch(index, frame, length, f, n); break;
        case 'S': if (n >= 1) handle_stop(f[0]); break;
        case 'Q': if (n >= 1) reply_state(index, f[0]); break;
        case 'A': if (n >= 1) handle_ack(f[0]); break;
        case 'X': handle_exit_request(c); break;
        case 'E': {
            unsigned long launches;
            if (n >= 1 && parse_ulong(f[0], &launches) == 0) preparer_expect(launches);
            break;
        }
        default: break;  // unknown requests are ignored, for newer servers
        }
        free(f);
    }
    return length == (size_t)-1 ? -1 : 0;
}

void read_connection(int index) {
    if (connection_read(&connections[index]) != 0) {
        // Handle what arrived before the end: a server killed right after sending still gets
        // its launches performed (and then adopted by its successor).
        handle_frames(index);
        close_connection(index);
        return;
    }
    if (handle_frames(index) != 0) close_connection(index);
}

void accept_connections(void) {
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;
        }
        // Whatever earlier connections (a server that just died) still had in flight goes
        // first, so a new server's questions see every launch its predecessor sent.
        for (int i = 0; i < MAX_CONNECTIONS; i++)
            if (connections[i].fd >= 0) read_connection(i);
        add_connection(fd);
    }
}

// Takes a newly accepted connection into a free slot. Returns -1 (and closes it) when none is free.
int add_connection(int fd) {
    int slot = -1;
    for (int i = 0; i < MAX_CONNECTIONS && slot < 0; i++)
        if (connections[i].fd < 0) slot = i;
    if (slot < 0) {
        close(fd);
        return -1;
    }
    connections[slot].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)slot};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        connection_close(&connections[slot]);
        return -1;
    }
    return 0;
}

