// Small filesystem helpers shared by the sandbox preparer and its pool of ready-made sandboxes.
#ifndef SUNDIAL_EXECUTOR_FILES_H
#define SUNDIAL_EXECUTOR_FILES_H

// Creates `path` and its missing parents (mode 0755); an existing directory is fine.
int make_directories(const char *path);
// Creates `directory/name` empty (mode 0644) unless it exists.
int create_empty_file(const char *directory, const char *name);
// Writes the directory part of `path` (PATH_MAX bytes) to `out`; -1 when it has none.
int parent_of(const char *path, char *out);

#endif
