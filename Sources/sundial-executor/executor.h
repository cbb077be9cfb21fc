// What the executor's files share: its state (owned by the main thread) and the functions
// one file calls in another. main.c: start-up and the event loop; replies.c: frames to the
// servers; requests.c: frames from them; exits.c: reaping, stop deadlines, when to exit.
// Two kinds of threads beside the main one touch none of it (but task_nice, fixed at
// start-up): the sandbox preparer (prepare.h) and the spawners (spawners.h), which hand
// launches back through queues.
#ifndef SUNDIAL_EXECUTOR_H
#define SUNDIAL_EXECUTOR_H

#include "connections.h"
#include "guardian.h"
#include "prepare.h"
#include "protocol.h"
#include "spawn.h"
#include "spawners.h"
#include "tasks.h"

#include <stdint.h>
#include <sys/types.h>

// Exits nobody acknowledged (a server that never came back): the oldest are dropped beyond this.
#define MAX_UNACKNOWLEDGED 262144
#define TOKEN_LISTEN ((uint64_t)-1)
#define TOKEN_SIGNAL ((uint64_t)-2)
#define TOKEN_STARTED ((uint64_t)-3)

extern struct task_table tasks;
extern struct connection connections[MAX_CONNECTIONS];
extern int epfd, listen_fd, signal_fd, started_fd;
// Bumped when a connection slot is closed, so a reply for a launch prepared meanwhile does not
// go to a newer connection in the same slot.
extern unsigned generations[MAX_CONNECTIONS];
extern ino_t socket_inode;
// The nice value the server started us with: every task gets it (see main.c).
extern int task_nice;

double now_seconds(void);
void log_message(const char *what);
void write_exit_fields(struct frame_writer *w, const struct task *t);
void reply_launched(struct connection *c, const char *id, pid_t pid, long long started_us);
void reply_failed(struct connection *c, const char *id, const char *message);
void reply_state(int index, const char *id);
void broadcast_exit(const struct task *t);
void close_connection(int index);
void flush_all(void);
int parse_ulong(const char *s, unsigned long *out);
int parse_groups(const char *s, gid_t *out, int max);
void handle_launch(int index, const uint8_t *frame, size_t length, const char **f, int n);
void begin_stop(struct task *t);
void finish_launch(struct launch *l);
void finish_started_launches(void);
void handle_stop(const char *id);
void handle_ack(const char *id);
void handle_exit_request(struct connection *c);
int handle_frames(int index);
void read_connection(int index);
void accept_connections(void);
int add_connection(int fd);
void reap(void);
void drain_signals(void);
int enforce_deadlines(void);
void exit_unless_someone_came(void);
void exit_if_unneeded(void);
int listen_on_socket(void);

#endif
