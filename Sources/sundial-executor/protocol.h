// The wire protocol between the server (SundialExecutor.ExecutorClient) and sundial-executor,
// over the unix stream socket `<data-dir>/executor-v1.sock` (the version is in the name, so a
// server never talks to an executor of another protocol).
//
// Every frame: u32 little-endian length N, then N bytes: one type byte and its fields. Every
// field is a NUL-terminated string (no field may contain NUL; numbers are decimal).
//
// Server → executor
//   'L' launch  id, sandbox, grace_ms, uid ("" = no user switch), gid, groups ("1,2,3"),
//               mode ("sh": argv[0] is the shell command | "exec": argv looked up in the task's PATH),
//               argc, argv..., envc, env ("NAME=value")...
//   'S' stop    id                  SIGTERM to the task's process group, SIGKILL after the grace
//   'Q' query   id                  answered by 'q'
//   'A' ack     id                  the server has durably recorded the task's end: forget it
//   'X' exit    (no fields)         exit now if no task runs and no exit awaits an ack; answered by 'x'
//   'E' expect  count               about this many launches are due soon: make sandboxes ahead
//                                   while idle (pool.h); 0 = the usual small pool. No answer.
//
// Executor → server
//   'l' launched  id, pid, started (µs since the epoch, CLOCK_REALTIME, when the task had
//                 exec'd: the reply itself may leave milliseconds later under load)
//   'f' failed    id, message       nothing runs for this id (bad request, sandbox, spawn failure)
//   'e' exited    id, how ("exited" | "signaled"), code, stop ("0" | "1")   sent to every connection
//   'q' state     id, "running", pid | id, "exited", how, code, stop | id, "unknown"
//   'x' exit      "bye" | "busy"
//
// A reader ignores fields it does not know at the end of a frame, so a frame may grow.
//
// Exit statuses are kept in memory until acknowledged, so a server that crashed and came back
// still learns how its tasks ended. Nothing is written to disk: if the executor itself dies,
// its tasks die with it (parent-death signal, and its guardian kills their process groups:
// guardian.h) and are reported "unknown", hence lost.
#ifndef SUNDIAL_EXECUTOR_PROTOCOL_H
#define SUNDIAL_EXECUTOR_PROTOCOL_H

#define SUNDIAL_EXECUTOR_SOCKET "executor-v1.sock"
#define SUNDIAL_EXECUTOR_LOCK "executor.lock"
// A frame larger than this is a protocol error (commands and environments are far smaller).
#define SUNDIAL_MAX_FRAME (16u * 1024u * 1024u)

#endif
