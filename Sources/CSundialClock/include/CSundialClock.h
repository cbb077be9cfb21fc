// A wall-clock timer for the scheduler: Linux timerfd on CLOCK_REALTIME, absolute, cancelled
// when the clock is set. Swift's Glibc module does not import <sys/timerfd.h>.
#ifndef CSUNDIALCLOCK_H
#define CSUNDIALCLOCK_H

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

#endif
