/* Errors are made where the failure happens and travel up unchanged (see hako-shim.h). */
#include "hako-shim.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
hako_make_error (hako_error_t *err, int errno_, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  int n;

  if (err == NULL || *err != NULL)
    return -1;
  va_start (ap, fmt);
  n = vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (n < 0)
    buf[0] = '\0';
  if (errno_ != 0)
    snprintf (buf + strlen (buf), sizeof buf - strlen (buf), ": %s", strerror (errno_));

  *err = calloc (1, sizeof **err);
  if (*err == NULL)
    abort ();
  (*err)->errno_ = errno_;
  (*err)->msg = strdup (buf);
  if ((*err)->msg == NULL)
    abort ();
  return -1;
}

void
hako_error_free (hako_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void
hako_warn (const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  int saved = errno;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  /* one write, so concurrent writers to the same stderr do not interleave a line */
  dprintf (2, "hako-shim: warning: %s\n", buf);
  errno = saved;
}
