// Starting one task: vfork + exec of the task itself, with no intermediate process, in a
// sandbox that prepare.c has made.
#ifndef SUNDIAL_EXECUTOR_SPAWN_H
#define SUNDIAL_EXECUTOR_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct spawn_request {
    const char *sandbox;       // absolute, existing
    int have_user;             // switch to uid/gid/groups before exec
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    int ngroups;
    int shell;                 // 1: run `/bin/sh -c argv[0]`; 0: exec argv, argv[0] looked up in envp's PATH
    char **argv;               // NULL-terminated, argc entries
    int argc;
    char **envp;               // NULL-terminated: the task's whole environment
    int nice;                  // the task's nice value, set once it has exec'd
    // Set by the vfork child when it fails before exec (spawn_task's own use).
    volatile int setup_errno;
    const char *volatile setup_stage;
};

// Starts the task in a new session (its pid is also its process group id), with cwd = sandbox,
// fd 0 = /dev/null, fd 1/2 appended to <sandbox>/stdout and <sandbox>/stderr, no other fds,
// default signal dispositions, an empty signal mask, and SIGKILL as its parent-death signal
// (a task does not outlive the executor that watches it; the child marks its pid for the
// executor's guardian first, which kills the rest of the task's group then: guardian.h).
// Returns the pid, or -1 with a message in `error` when nothing could be started. A command
// that cannot be executed (not found, not executable, user switch refused) still starts: it
// writes why to its stderr file and exits 127 (126: found but not executable), as a shell does.
// Safe to call from several threads at once (vfork suspends only the calling thread).
pid_t spawn_task(struct spawn_request *request, char *error, size_t error_size);

#endif
