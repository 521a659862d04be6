/* The clients of the shim's event loop (relay.c): connections from hakod and the docker CLI's own connections handed
 * over as output sinks (sinks.c). Dropping a client moves the last one into its slot, so the loop's round over the
 * clients marks instead, and sweep_clients drops after the round. */
#include "relay.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

void
drop_client (struct relay *r, size_t i)
{
  client_free (r->clients[i]);
  r->clients[i] = r->clients[--r->n_clients];
}

/* drops the clients marked `dropped`: the round over the clients marks rather than drops, because dropping moves
 * the last client into the freed slot, under the client being read and out of step with the poll array */
void
sweep_clients (struct relay *r)
{
  size_t i;

  for (i = r->n_clients; i-- > 0;)
    if (r->clients[i]->dropped)
      drop_client (r, i);
}

void
broadcast (struct relay *r, int type, const char *data, size_t len)
{
  size_t i;

  for (i = r->n_clients; i-- > 0;)
    {
      struct hako_client *cl = r->clients[i];
      if (cl->quiet || (cl->sink && !(cl->streams & (type == FRAME_STDERR ? 2u : 1u))))
        continue;
      if (client_send (cl, type, data, len) < 0)
        drop_client (r, i);
    }
}

/* frame 9: the shim writes to a client of hakod's itself; the answer (frame 9: status u8, 0 taken, then the id) goes
 * back before any output that follows. A sink that cannot be taken turns output on for the asking connection, so
 * that hakod, which relays instead, loses nothing. */
void
add_sink (struct relay *r, struct hako_client *from, const char *p, size_t len)
{
  hako_error_t err = NULL;
  struct hako_client *cl = NULL;
  char answer[9] = { 0 };

  if (len >= SINK_FRAME_LEN)
    memcpy (answer + 1, p + 12, 8);
  if (r->n_clients == MAX_CLIENTS || sink_take (p, len, &cl, &err) < 0)
    {
      hako_warn ("output sink: %s", err ? err->msg : "too many clients");
      hako_error_free (&err);
      answer[0] = 1;
      from->quiet = 0;
      from->patient = 1;
    }
  else
    r->clients[r->n_clients++] = cl;
  if (client_send (from, FRAME_SINK, answer, sizeof answer) < 0)
    { /* the asking connection is gone: the poll loop finds out */ }
}

/* frame 10: hakod takes a sink back (its client detached): the shim's copy of the descriptor is closed */
void
drop_sink (struct relay *r, const char *p, size_t len)
{
  size_t i;

  if (len < 8)
    return;
  for (i = r->n_clients; i-- > 0;)
    if (r->clients[i]->sink && r->clients[i]->sink_id == sink_id_of (p))
      r->clients[i]->dropped = 1; /* called while reading a client: swept after the round */
}

void
accept_clients (struct relay *r, int listen_fd)
{
  int fd;

  while ((fd = client_accept (listen_fd)) >= 0)
    {
      if (r->n_clients == MAX_CLIENTS)
        {
          close (fd);
          continue;
        }
      r->clients[r->n_clients] = hako_xcalloc (1, sizeof (struct hako_client));
      r->clients[r->n_clients++]->fd = fd;
    }
}

void
finish_clients (struct relay *r, const char *exit_json)
{
  struct timeval tv = { 2, 0 };
  size_t i;

  for (i = 0; i < 2; i++)
    if (r->io->listen_fds[i] >= 0)
      {
        accept_clients (r, r->io->listen_fds[i]); /* whoever is still queued on the socket gets the end too */
        close (r->io->listen_fds[i]);
        r->io->listen_fds[i] = -1;
      }
  /* sinks first: all output is with their clients before hakod hears of the exit (and ends their streams) */
  for (i = r->n_clients; i-- > 0;)
    if (r->clients[i]->sink)
      {
        client_flush_blocking (r->clients[i], &tv);
        drop_client (r, i); /* close only: the connection itself is hakod's */
      }
  for (i = r->n_clients; i-- > 0;)
    {
      struct hako_client *cl = r->clients[i];
      if (client_flush_blocking (cl, &tv) == 0 && client_send (cl, FRAME_EXIT, exit_json, strlen (exit_json)) == 0)
        client_flush (cl);
      shutdown (cl->fd, SHUT_RDWR);
      drop_client (r, i);
    }
}
