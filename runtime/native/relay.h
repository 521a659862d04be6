/* The shim's event loop, shared between relay.c (the loop: output, frames, the end) and relay_clients.c (the list of
 * clients and sinks the loop serves). Internal to those two files. */
#ifndef HAKO_RELAY_H
#define HAKO_RELAY_H

#include "hako-shim.h"

#define MAX_CLIENTS 64
#define READ_SIZE (256u << 10)    /* output read (and relayed, and logged) at once: one frame, one log record */
#define PAUSE_ABOVE (1u << 20)     /* stop reading output while a client has this much queued */
#define STDIN_PAUSE_ABOVE (1u << 20) /* stop reading clients while this much stdin waits for the container */
#define STALL_MS (30 * 1000)       /* a client that makes no progress this long is dropped */
#define START_TIMEOUT_MS (60 * 1000)
#define DRAIN_MS 2000              /* output still open this long after init's exit is abandoned */

struct relay {
  const struct hako_options *opts;
  struct hako_io *io;
  struct hako_container *c;
  int tty, started, exited, status, in_closing;
  uint64_t start_deadline, drain_deadline;
  struct hako_queue in;
  struct hako_client *clients[MAX_CLIENTS];
  size_t n_clients;
  struct hako_client *reading; /* the client whose frames handle_frame is given */
  char buf[16 + READ_SIZE];
};

void drop_client (struct relay *r, size_t i);
void sweep_clients (struct relay *r);
void broadcast (struct relay *r, int type, const char *data, size_t len);
void add_sink (struct relay *r, struct hako_client *from, const char *p, size_t len);
void drop_sink (struct relay *r, const char *p, size_t len);
void accept_clients (struct relay *r, int listen_fd);
void finish_clients (struct relay *r, const char *exit_json);

#endif
