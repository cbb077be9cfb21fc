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
#include <time.h>
#include <unistd.h>

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void log_message(const char *what) {
    char line[512];
    int n = snprintf(line, sizeof line, "sundial-executor[%d]: %s\n", (int)getpid(), what);
    if (n > 0) {
        ssize_t ignored = write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        (void)ignored;
    }
}

void write_exit_fields(struct frame_writer *w, const struct task *t) {
    int st = t->wait_status;
    frame_field(w, WIFSIGNALED(st) ? "signaled" : "exited");
    frame_field_int(w, WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    frame_field(w, t->stop_requested ? "1" : "0");
}

void reply_launched(struct connection *c, const char *id, pid_t pid, long long started_us) {
    struct frame_writer w;
    frame_begin(&w, &c->out, 'l');
    frame_field(&w, id);
    frame_field_int(&w, pid);
    char started[32];
    snprintf(started, sizeof started, "%lld", started_us);
    frame_field(&w, started);
    frame_end(&w);
}

void reply_failed(struct connection *c, const char *id, const char *message) {
    struct frame_writer w;
    frame_begin(&w, &c->out, 'f');
    frame_field(&w, id);
    frame_field(&w, message);
    frame_end(&w);
}

void reply_state(int index, const char *id) {
    struct connection *c = &connections[index];
    struct task *t = tasks_find(&tasks, id);
    if (t && t->state == TASK_PENDING) {
        // Answered with its pid once it has one (finish_launch).
        t->asked_by = index;
        t->asked_generation = generations[index];
        return;
    }
    struct frame_writer w;
    frame_begin(&w, &c->out, 'q');
    frame_field(&w, id);
    if (!t) {
        frame_field(&w, "unknown");
    } else if (t->state == TASK_RUNNING) {
        frame_field(&w, "running");
        frame_field_int(&w, t->pid);
    } else {
        frame_field(&w, "exited");
        write_exit_fields(&w, t);
    }
    frame_end(&w);
}

void broadcast_exit(const struct task *t) {
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (connections[i].fd < 0) continue;
        struct frame_writer w;
        frame_begin(&w, &connections[i].out, 'e');
        frame_field(&w, t->id);
        write_exit_fields(&w, t);
        frame_end(&w);
    }
}

void close_connection(int index) {
    struct connection *c = &connections[index];
    if (c->fd < 0) return;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    connection_close(c);
    generations[index]++;
}

// Writes what each connection has pending; polls for writability where the socket is full.
void flush_all(void) {
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        struct connection *c = &connections[i];
        if (c->fd < 0 || c->out.length == c->out.offset) continue;
        int rc = connection_flush(c);
        if (rc < 0) {
            close_connection(i);
            continue;
        }
        int want = rc == 1;
        if (want != c->polling_output) {
            struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u64 = (uint64_t)i};
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
            c->polling_output = want;
        }
    }
}

