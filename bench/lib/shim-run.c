/*
 * shim-run: runs one container with hako-shim the way `runc run` does with runc — foreground, stdio passed through,
 * exit status returned — so that the runtime alone can be timed against runc on the same bundle, without hakod.
 * A benchmark aid (bench/start.sh), not part of Hako. Speaks the start handshake and frame protocol of
 * runtime/native/README.md.
 *
 *   shim-run SHIM BUNDLE ID STATEDIR
 *
 * The shim's socket is "hako-bench/ID"; its log, exit and pid files go to STATEDIR/ID.* and are removed afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "shim-run: %s: %s\n", what, strerror(errno));
  exit(125);
}

static int read_full(int fd, void *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)buf + got, n - got);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    got += (size_t)r;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: shim-run SHIM BUNDLE ID STATEDIR\n");
    return 125;
  }
  const char *shim = argv[1], *bundle = argv[2], *id = argv[3], *dir = argv[4];
  char sock[108], logf[4096], exitf[4096], pidf[4096], errf[4096];
  snprintf(sock, sizeof sock, "hako-bench/%s", id);
  snprintf(logf, sizeof logf, "%s/%s.log", dir, id);
  snprintf(exitf, sizeof exitf, "%s/%s.exit", dir, id);
  snprintf(pidf, sizeof pidf, "%s/%s.pid", dir, id);
  snprintf(errf, sizeof errf, "%s/%s.shim.log", dir, id);

  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) die("pipe");
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    setsid();
    int null = open("/dev/null", O_RDONLY);
    int err = open(errf, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null < 0 || err < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(err, 2) < 0) _exit(125);
    execl(shim, shim, "--bundle", bundle, "--id", id, "--socket", sock, "--log", logf, "--exit-file", exitf,
          "--pid-file", pidf, (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  char line[4096];
  size_t n = 0;
  while (n < sizeof line - 1) {
    ssize_t r = read(p[0], line + n, 1);
    if (r <= 0 || line[n] == '\n') break;
    n++;
  }
  line[n] = 0;
  close(p[0]);
  if (strncmp(line, "ready ", 6) != 0) {
    fprintf(stderr, "shim-run: hako-shim: %s\n", n ? line : "no handshake (see the .shim.log)");
    waitpid(pid, NULL, 0);
    return 125;
  }

  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(sock);
  memcpy(addr.sun_path + 1, sock, len); /* abstract: leading NUL */
  if (connect(s, (struct sockaddr *)&addr, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0)
    die("connect to hako-shim");
  unsigned char start[8] = {6, 0, 0, 0, 0, 0, 0, 0};
  if (write(s, start, sizeof start) != (ssize_t)sizeof start) die("send start");

  int code = 125;
  for (;;) {
    unsigned char h[8];
    int r = read_full(s, h, sizeof h);
    if (r <= 0) break;
    uint32_t flen = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
    char *body = malloc(flen + 1);
    if (!body || read_full(s, body, flen) <= 0) break;
    body[flen] = 0;
    if (h[0] == 1 || h[0] == 2) {
      if (write(h[0], body, flen) < 0) { /* the reader went away: keep draining */ }
    } else if (h[0] == 3) {
      const char *k = strstr(body, "\"exitCode\"");
      if (k && (k = strchr(k, ':'))) code = atoi(k + 1);
      free(body);
      break;
    }
    free(body);
  }
  close(s);
  waitpid(pid, NULL, 0);
  unlink(logf);
  unlink(exitf);
  unlink(pidf);
  unlink(errf);
  return code;
}
