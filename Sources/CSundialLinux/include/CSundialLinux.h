// Linux calls Swift's Glibc module does not import.
//
// A wall-clock timer for the scheduler: timerfd on CLOCK_REALTIME, absolute, cancelled
// when the clock is set (<sys/timerfd.h>); malloc_trim (<malloc.h>); a thread's priority.
#ifndef CSUNDIALLINUX_H
#define CSUNDIALLINUX_H

#include <stdint.h>

/// timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC). Returns the fd or -1 with errno set.
int sundial_wall_timer_create(void);
/// Arms the timer to expire when the wall clock reaches `epoch_ms` (absolute, with
/// TFD_TIMER_CANCEL_ON_SET so a clock change wakes the waiter); `epoch_ms < 0` disarms it.
int sundial_wall_timer_arm(int fd, int64_t epoch_ms);
/// Blocks until the timer expires or the clock is set. Returns 1 on expiry, 2 when the
/// clock was set discontinuously (ECANCELED), -1 with errno on other errors.
int sundial_wall_timer_wait(int fd);
/// Lowers this thread's timer slack to 1 ns so wake-ups are not coalesced by up to 50 µs.
void sundial_set_precise_timer_slack(void);

/// Moves the calling thread to the lowest priority (nice 19, SCHED_IDLE where permitted):
/// for housekeeping that must only use CPU nothing else wants.
void sundial_lower_thread_priority(void);

/// malloc_trim(0): hands memory freed into glibc's arenas back to the system.
void sundial_release_free_memory(void);

#endif
