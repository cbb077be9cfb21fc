// Server connections: non-blocking unix sockets with an input buffer (frames are handled
// once complete) and an output buffer (flushed when the socket takes it).
#ifndef SUNDIAL_EXECUTOR_CONNECTIONS_H
#define SUNDIAL_EXECUTOR_CONNECTIONS_H

#include <stddef.h>
#include <stdint.h>

#define MAX_CONNECTIONS 16
// A server that stops reading is dropped rather than buffered for without bound.
#define MAX_PENDING_OUTPUT (256u * 1024u * 1024u)

struct buffer {
    uint8_t *data;
    size_t length, capacity, offset;
};

struct connection {
    int fd;                    // -1 when the slot is free
    struct buffer in, out;
    int polling_output;        // EPOLLOUT registered
};

struct frame_writer {
    struct buffer *out;
    size_t start;  // where the frame begins, counted from the buffer's unread data (out->offset)
    int failed;
};

// Starts a frame of `type` in `out`; add fields, then end it.
void frame_begin(struct frame_writer *w, struct buffer *out, char type);
void frame_field(struct frame_writer *w, const char *field);
void frame_field_int(struct frame_writer *w, long long value);
void frame_end(struct frame_writer *w);

// Reads what the socket has. Returns 0, or -1 when the peer is gone or broke the protocol.
int connection_read(struct connection *c);
// Writes what the socket takes. Returns 1 when output remains, 0 when all is written, -1 on error.
int connection_flush(struct connection *c);
void connection_close(struct connection *c);

// The next complete frame in `in` (type byte + fields), or NULL (with `length` set to
// (size_t)-1 when the next frame is larger than the protocol allows). `length` excludes the prefix.
const uint8_t *next_frame(struct buffer *in, size_t *length);
// Splits a frame's fields (NUL-terminated strings) into `fields` (or only counts them when
// `fields` is NULL); returns their count, or -1 when a field is unterminated or too many.
int frame_fields(const uint8_t *frame, size_t length, const char **fields, int max);

#endif
