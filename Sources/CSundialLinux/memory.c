#include "CSundialLinux.h"

#include <malloc.h>
#include <unistd.h>

void sundial_release_free_memory(void) {
    malloc_trim(0);
}

// glibc gives each thread that allocates its own arena (up to 8 per core). Start-up decodes
// every stored job on several threads, and memory freed into those arenas stays resident:
// with 100,000 jobs that was ~50 MB for nothing. One arena per core is plenty for a server
// whose hot paths are on a handful of threads. Runs before main, before any thread exists.
__attribute__((constructor)) static void sundial_limit_malloc_arenas(void) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, (int)(cores < 2 ? 2 : cores));
}
