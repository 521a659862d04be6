/*
 * hako-shim: one process per container. It creates the container from an OCI runtime bundle, holds its stdio,
 * writes its log, records its exit status and outlives hakod. The contract with hakod is README.md beside this file.
 *
 * Conventions (after crun): a function that can fail returns int (0 on success, -1 on failure) and takes a
 * `hako_error_t *err` as its last parameter; the error is made where the failure happens, with errno and a formatted
 * message, and travels up unchanged. A caller frees it with hako_error_free() or hands it on.
 */
#ifndef HAKO_SHIM_H
#define HAKO_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- errors (error.c) ---- */

struct hako_error {
  int errno_; /* 0 when the failure has no errno */
  char *msg;  /* "what failed: strerror(errno)" */
};
typedef struct hako_error *hako_error_t;

/* Fills *err (when err is not NULL and still empty) and returns -1. errno_ 0 means no strerror suffix. */
int hako_make_error (hako_error_t *err, int errno_, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
void hako_error_free (hako_error_t *err);
/* Warnings for the shim's own stderr (never the container's). */
void hako_warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* ---- cleanup attributes (util.c) ---- */

void hako_freep (void *p);
void hako_closep (int *fd);
#define cleanup_free __attribute__ ((cleanup (hako_freep)))
#define cleanup_close __attribute__ ((cleanup (hako_closep)))

/* ---- small file helpers (util.c) ---- */

int hako_read_file (const char *path, char **out, size_t *len, hako_error_t *err);
int hako_write_file (const char *path, const char *data, size_t len, hako_error_t *err);
/* a temp file in the same directory renamed over path: readers see the old or the new file, never a part.
 * durable: fsync the file before, and the directory after, the rename (survives a power loss, not just a crash) */
int hako_write_file_atomic (const char *path, const char *data, size_t len, int durable, hako_error_t *err);
int hako_mkdir_p (const char *path, mode_t mode, hako_error_t *err);
char *hako_xstrdup (const char *s);
void *hako_xcalloc (size_t n, size_t size);
char *hako_asprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
char *hako_absolute_path (const char *path);
uint64_t hako_now_ns (void);

/* ---- JSON (json.c): a DOM parser, enough for config.json ---- */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
  enum json_type type;
  int boolean;
  int is_integer;    /* number written without fraction or exponent, and fits int64 */
  int64_t integer;
  double number;
  int is_uint64;     /* a non-negative integer that fits uint64 (exact, where `number` may round) */
  uint64_t uint64;
  char *string;      /* NUL-terminated UTF-8; an embedded \u0000 is refused */
  size_t len;        /* items of an array or members of an object */
  char **keys;       /* object member names */
  struct json_value **items;
};

int json_parse (const char *text, size_t len, struct json_value **out, hako_error_t *err);
void json_free (struct json_value *v);
const struct json_value *json_get (const struct json_value *object, const char *key);

/* ---- the OCI runtime spec, as far as the shim uses it (spec.c) ---- */

enum hako_cap_set { CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_PERMITTED, CAP_SET_INHERITABLE, CAP_SET_AMBIENT,
                    CAP_SET_COUNT };

struct hako_mount {
  char *destination, *type, *source;
  char **options;
  size_t n_options;
};

struct hako_rlimit {
  int resource;
  char *name;
  uint64_t hard, soft;
};

struct hako_namespace {
  int flag;   /* CLONE_NEW* */
  char *path; /* join this one instead of creating a new one */
};

struct hako_device_rule {
  int allow;
  char type;           /* 'a', 'c' or 'b' */
  int64_t major, minor; /* -1: any */
  char access[4];
};

/* a node made in the container's /dev (linux.devices) */
struct hako_device {
  char *path; /* as the container sees it */
  char type;  /* 'c' or 'b' ('u' is 'c') */
  int64_t major, minor;
  int has_mode, has_uid, has_gid;
  int64_t mode, uid, gid;
};

struct hako_resources {
  int has_memory_limit, has_memory_swap, has_cpu_shares, has_cpu_quota, has_cpu_period, has_pids_limit;
  int64_t memory_limit, memory_swap, cpu_quota, pids_limit;
  uint64_t cpu_shares, cpu_period;
  struct hako_device_rule *devices;
  size_t n_devices;
};

struct hako_seccomp;

struct hako_spec {
  /* process */
  int terminal;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  int has_umask;
  mode_t umask;
  char **args; /* NULL-terminated */
  char **env;  /* NULL-terminated */
  char *cwd;
  int has_capabilities;
  uint64_t caps[CAP_SET_COUNT];
  struct hako_rlimit *rlimits;
  size_t n_rlimits;
  int no_new_privileges;
  int has_oom_score_adj;
  int oom_score_adj;
  /* root, hostname, mounts */
  char *root_path; /* absolute */
  int root_readonly;
  char *hostname, *domainname;
  struct hako_mount *mounts;
  size_t n_mounts;
  /* linux */
  struct hako_namespace namespaces[8];
  size_t n_namespaces;
  char *cgroups_path;
  struct hako_resources resources;
  struct hako_device *devices;
  size_t n_devices;
  char **masked_paths;   /* NULL-terminated */
  char **readonly_paths; /* NULL-terminated */
  unsigned long rootfs_propagation;
  struct hako_seccomp *seccomp; /* linux.seccomp compiled; NULL: unconfined */
};

/* Reads DIR/config.json; relative paths (root.path, bind sources) are made absolute against the bundle. */
int spec_load (const char *bundle, struct hako_spec **out, hako_error_t *err);
void spec_free (struct hako_spec *spec);
/* An OCI `process` object alone (hako-shim exec --process FILE): a spec with only the process fields set. */
int spec_load_process (const char *path, struct hako_spec **out, hako_error_t *err);
/* Typed members of a config.json object: 0 when absent (out untouched), 1 when read, -1 on a wrong type. */
int spec_get_string (const struct json_value *o, const char *key, const char *field, char **out, hako_error_t *err);
int spec_get_bool (const struct json_value *o, const char *key, const char *field, int *out, hako_error_t *err);
int spec_get_int (const struct json_value *o, const char *key, const char *field, int64_t *out, hako_error_t *err);
int spec_get_uint (const struct json_value *o, const char *key, const char *field, uint64_t *out, hako_error_t *err);
/* a NULL-terminated copy of an array of strings; an empty one when absent */
int spec_get_strings (const struct json_value *o, const char *key, const char *field, char ***out, size_t *n,
                      hako_error_t *err);
int spec_type_error (hako_error_t *err, const char *field, const char *want);
int spec_parse_linux (const struct json_value *linux_, struct hako_spec *spec, hako_error_t *err);
/* The namespace entry of this CLONE_NEW* type, or NULL when the spec does not list it. */
const struct hako_namespace *spec_namespace (const struct hako_spec *spec, int flag);

/* ---- seccomp (seccomp.c: linux.seccomp -> rules; seccomp_bpf.c: rules -> classic BPF; seccomp_syscalls.c) ---- */

enum hako_seccomp_op { SECCOMP_CMP_NE, SECCOMP_CMP_LT, SECCOMP_CMP_LE, SECCOMP_CMP_EQ, SECCOMP_CMP_GE, SECCOMP_CMP_GT,
                       SECCOMP_CMP_MASKED_EQ };
/* args[index] OP value, on all 64 bits; MASKED_EQ: (args[index] & value) == value_two */
struct hako_seccomp_cmp {
  unsigned index;
  enum hako_seccomp_op op;
  uint64_t value, value_two;
};
/* When every comparison holds (none: always), the action (SECCOMP_RET_* and data) decides; for one syscall the
 * first matching rule in the spec's order wins. */
struct hako_seccomp_rule {
  uint32_t nr, action;
  size_t order, n_cmps;
  struct hako_seccomp_cmp cmps[6];
};
/* The compiler's input (x86_64). enosys_above: syscalls numbered above it get ENOSYS (runc's stub); -1: none. */
struct hako_seccomp_rules {
  uint32_t default_action;
  int64_t enosys_above;
  struct hako_seccomp_rule *rules;
  size_t n_rules;
};
struct sock_filter;
struct hako_seccomp {
  unsigned flags;              /* SECCOMP_FILTER_FLAG_* */
  struct sock_filter *program; /* classic BPF, ready for seccomp(2) */
  unsigned short len;
};
/* linux.seccomp (NULL or JSON null: *out = NULL, unconfined) -> a compiled filter; from a FILE holding that object
 * or a whole config.json (its linux.seccomp) */
int seccomp_parse (const struct json_value *seccomp, struct hako_seccomp **out, hako_error_t *err);
int seccomp_parse_file (const char *path, struct hako_seccomp **out, hako_error_t *err);
int seccomp_compile (const struct hako_seccomp_rules *rules, struct hako_seccomp *out, hako_error_t *err);
int seccomp_load (const struct hako_seccomp *sc, hako_error_t *err); /* seccomp(2): needs no_new_privs or SYS_ADMIN */
void seccomp_free (struct hako_seccomp *sc);
/* The native (x86_64) number of a syscall name, -1 when this build's table does not know it; the table by index. */
int seccomp_syscall_number (const char *name);
const char *seccomp_syscall_at (size_t i, int *nr);

/* ---- capabilities (caps.c) ---- */

int caps_parse_name (const char *name); /* "CAP_CHOWN" -> 0; -1 when unknown */
/* In the container's init, before execve: bounding set, user switch, capability sets, ambient. */
int caps_apply_with_user (const struct hako_spec *spec, hako_error_t *err);

/* ---- cgroups: front door (cgroup.c), one backend per hierarchy kind (cgroup_v1.c, cgroup_v2.c) ---- */

struct hako_cgroup_hierarchy {
  char *mountpoint;  /* /sys/fs/cgroup/memory */
  char *controllers; /* "memory", or "cpu,cpuacct"; NULL for a cgroup2 tree */
};

struct hako_cgroup {
  int unified;                           /* the host is pure cgroup2 */
  struct hako_cgroup_hierarchy *hierarchies; /* the v1 hierarchies the shim uses, then the cgroup2 tree if any */
  size_t n_hierarchies;
  char **dirs;                           /* the container's cgroup directory in each hierarchy (NULL: not made) */
};

/* with the hierarchies already filled in (cgroup_create finds the host's; a test can point at a directory) */
int cgroup_create_in (struct hako_cgroup *cg, const char *path, const struct hako_resources *res, hako_error_t *err);
int cgroup_create (const char *path, const struct hako_resources *res, struct hako_cgroup **out, hako_error_t *err);
/* An existing cgroup (for exec), nothing made: `path` in every hierarchy, or, with path NULL, the cgroups that
 * process `pid` is in (/proc/PID/cgroup). Free it with cgroup_free(), which leaves the directories alone. */
int cgroup_open (const char *path, pid_t pid, struct hako_cgroup **out, hako_error_t *err);
void cgroup_free (struct hako_cgroup *cg);
/* The container's cgroup2 directory (unified or hybrid) for clone3's CLONE_INTO_CGROUP; -1 when there is none. */
int cgroup_v2_dir_fd (const struct hako_cgroup *cg);
/* Run by init itself, first thing: into the container's cgroup in every hierarchy (but the cgroup2 one when
 * clone3 put it there). A v1 task moving itself through `tasks` skips the global threadgroup lock, whose write side
 * costs an RCU grace period (10-20 ms) per cgroup.procs write; the shim itself never enters the cgroup. */
int cgroup_join_self (const struct hako_cgroup *cg, int in_v2, hako_error_t *err);
int cgroup_oom_killed (struct hako_cgroup *cg);
/* rmdir of the container's directory in each hierarchy (retried while its last tasks leave); the shared parent
 * stays. Frees cg. */
void cgroup_destroy (struct hako_cgroup *cg);
/* In the container: mount the cgroup hierarchies at `target` (below the new root, in the new cgroup namespace). */
int cgroup_mount (const struct hako_cgroup *cg, const char *target, unsigned long flags, hako_error_t *err);

int cgroup_v1_setup (const char *dir, const char *controllers, const struct hako_resources *res, hako_error_t *err);
int cgroup_v1_oom_killed (const char *dir);
int cgroup_v1_cpuset_inherit (const char *dir, hako_error_t *err);
int cgroup_v2_enable_controllers (const char *parent, hako_error_t *err);
int cgroup_v2_setup (const char *dir, const struct hako_resources *res, hako_error_t *err);
int cgroup_v2_oom_killed (const char *dir);
uint64_t cgroup_v2_weight_from_shares (uint64_t shares);

/* ---- mounts and the root filesystem (mounts.c, rootfs.c) ---- */

/* Resolves `path` inside `root` (symlinks are followed as the container would see them); fails with EXDEV when a
 * ".." would leave the root. The result is root + the resolved path. */
int mounts_resolve_in_root (const char *root, const char *path, char **out, hako_error_t *err);
int mounts_do_spec_mounts (const struct hako_spec *spec, const struct hako_cgroup *cg, hako_error_t *err);
int mounts_remount_ro (const char *path, hako_error_t *err);

/* From the propagation of / to pivot_root (spec mounts, /dev); then, inside, the masked and read-only paths. */
int rootfs_prepare (const struct hako_spec *spec, const struct hako_cgroup *cg, hako_error_t *err);
/* the pty of the container's init: process_open_pty, and bound over /dev/console */
int rootfs_open_pty (int *master, int *slave, hako_error_t *err);
int rootfs_finish (const struct hako_spec *spec, hako_error_t *err);

/* ---- the container's init (container.c: the shim's side; init.c and process.c: init's side) ---- */

struct hako_stdio {
  int stdin_fd, stdout_fd, stderr_fd; /* the child's ends; -1 with a tty */
};

struct hako_container {
  pid_t pid;
  int pidfd;
  int sync_fd;   /* parent's end of the setup channel; EOF once init has exec'd */
  int pty_master; /* -1 without a tty */
};

/* Clones init (into its cgroup2 directory, where there is one), waits until it is ready to exec (or reports why
 * not: the error is init's own message; init is then killed and reaped). */
int container_create (const struct hako_spec *spec, struct hako_cgroup *cg, const struct hako_stdio *stdio,
                      struct hako_container *out, hako_error_t *err);
/* clone3 with `flags` (CLONE_NEW*) into cg's cgroup2 directory (if any), run fn (which never returns; in_v2: born
 * in that directory) in the child, and wait for its 'R'. */
typedef void (*hako_child_fn) (void *arg, int sync_fd, int in_v2);
int container_spawn (uint64_t flags, const struct hako_cgroup *cg, hako_child_fn fn, void *arg,
                     struct hako_container *out, hako_error_t *err);
int container_start (struct hako_container *c, hako_error_t *err);
/* After start: reads the init's exec failure, if any, from the setup channel (NULL when exec succeeded). */
char *container_exec_error (struct hako_container *c);

/* init's side (init.c), never returns. in_v2: clone3 has already put init into the cgroup2 directory. */
void init_main (const struct hako_spec *spec, const struct hako_cgroup *cg, const struct hako_stdio *stdio,
                int sync_fd, int in_v2) __attribute__ ((noreturn));
/* Shared by a container's init and an exec'd process (init.c); init_process_setup is the process's own settings:
 * oom_score_adj, rlimits, umask, signals, user and capabilities, cwd, the executable's path, no_new_privs, seccomp */
int init_setup_stdio (const struct hako_stdio *stdio, int tty, hako_error_t *err);
int init_become_terminal_owner (int slave, hako_error_t *err);
int init_process_setup (const struct hako_spec *spec, int sync_fd, char **exe, hako_error_t *err);
/* Reports ready (handing over the pty master, if any), waits for start, execs; never returns. */
void init_exec (const struct hako_spec *spec, int sync_fd, int master, const char *exe) __attribute__ ((noreturn));
/* the setup channel between the shim and init (container.c) */
int sync_send (int fd, char type, const char *text, int pass_fd);
int sync_recv (int fd, char *text, size_t size, int *passed_fd);

int process_setup_rlimits (const struct hako_spec *spec, char **warnings, hako_error_t *err);
int process_find_executable (const struct hako_spec *spec, char **out, hako_error_t *err);
int process_loopback_up (hako_error_t *err);
/* A pty from the devpts instance at /dev/pts (the container's, once inside): master and slave, both close-on-exec. */
int process_open_pty (int *master, int *slave, hako_error_t *err);

/* ---- io: the socket, stdio pipes, log and exit records (io.c) ---- */

enum hako_frame_type { FRAME_STDIN = 0, FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_EXIT = 3, FRAME_CLOSE_STDIN = 4,
                       FRAME_RESIZE = 5, FRAME_START = 6, FRAME_SIGNAL = 7, FRAME_OUTPUT = 8, FRAME_SINK = 9,
                       FRAME_SINK_DROP = 10 };
/* the payload bits of an output frame (README, "Socket protocol") */
enum { OUTPUT_ON = 1, OUTPUT_PATIENT = 2 };

struct hako_options {
  char *bundle, *id, *socket_name, *log_path, *exit_path, *pid_path; /* log and pid file optional for exec */
  int open_stdin, tty;
  int exec; /* hako-shim exec, with: */
  pid_t target_pid;
  char *process_path, *seccomp_path, *cgroup_path;
  char *runtime, *runtime_root; /* an external OCI runtime (runc) does the create step (runtime.c); NULL: the shim */
  uint64_t log_max_size;        /* --log-max-size: rotate the log past this many bytes (0: never) */
  int log_max_files;            /* --log-max-files: container.log plus this many - 1 rotated files */
};

struct hako_io {
  int listen_fds[2]; /* the abstract name exactly, and NUL-padded to the whole sun_path (-1 if the same) */
  int log_fd;
  int out_fd, err_fd; /* container output (pipes), or out_fd = pty master */
  int in_fd;          /* container stdin (pipe write end, or the pty master), -1 without --stdin */
};

int io_listen (const char *name, int out[2], hako_error_t *err);
/* pipes for the container's stdio; the child's ends go into *child */
int io_make_pipes (const struct hako_options *opts, struct hako_io *io, struct hako_stdio *child, hako_error_t *err);
/* buf: 16 free bytes for the record header, then len bytes of output (no log: log_fd -1) */
int io_log_record (int log_fd, int stream, char *buf, size_t len);
void io_frame_header (unsigned char h[8], int type, size_t len);
/* log rotation (log_rotate.c): init once the log is open (max_size 0: none); io_log_record calls the other */
int log_rotate_init (int log_fd, const char *path, uint64_t max_size, int max_files, hako_error_t *err);
void log_rotate_before_write (int log_fd, size_t record_len);

struct hako_exit {
  int exit_code, signal, oom_killed;
  uint64_t finished_ns;
};

char *io_exit_json (const struct hako_exit *e);

/* ---- socket clients (clients.c) ---- */

struct timeval;

struct hako_queue {
  char *data;
  size_t len, off; /* data[off..len) is still to go */
};

struct hako_client {
  int fd;
  struct hako_queue out;
  uint64_t stalled_since; /* hako_now_ms() of the last progress while output waits; 0 with nothing queued */
  int quiet;   /* gets no output frames (an output frame without OUTPUT_ON) */
  int patient; /* never dropped for not reading (OUTPUT_PATIENT): its queue holds the container up instead */
  int sink;    /* an output sink (sinks.c): written to, never read; no exit frame */
  int dropped; /* to be dropped once the round over the clients is done (relay_clients.c): slots must not move under it */
  int raw;     /* a sink of a tty container: output without frame headers */
  unsigned streams; /* a sink's streams: bit 0 stdout, bit 1 stderr */
  uint64_t sink_id;
  unsigned char header[8]; /* the frame being read */
  size_t header_got;
  char *payload;
  size_t payload_len, payload_got;
};

typedef void (*hako_frame_fn) (void *ctx, int type, const char *payload, size_t len);

uint64_t hako_now_ms (void); /* CLOCK_MONOTONIC */
void queue_push (struct hako_queue *q, const char *data, size_t len);
size_t queue_pending (const struct hako_queue *q);
void queue_free (struct hako_queue *q);
int client_accept (int listen_fd);
void client_grow_sndbuf (int fd);
void client_free (struct hako_client *cl);
/* these return -1 when the client is gone (the caller drops it) */
int client_flush (struct hako_client *cl);
/* at the end: the client's queue written out, waiting at most tv */
int client_flush_blocking (struct hako_client *cl, struct timeval *tv);
int client_send (struct hako_client *cl, int type, const char *data, size_t len);
int client_read (struct hako_client *cl, hako_frame_fn on_frame, void *ctx);

/* ---- output sinks (sinks.c) ---- */

enum { SINK_FRAME_LEN = 20, SINK_RAW = 1 };
/* a sink frame's payload -> a new client for hakod's descriptor (pidfd_getfd); the id is 8 bytes BE at `p` */
int sink_take (const char *payload, size_t len, struct hako_client **out, hako_error_t *err);
uint64_t sink_id_of (const char *p);

/* ---- the event loop (relay.c) ---- */

/* Runs until the container's init has exited and its output is drained; fills *exit. */
int relay_run (const struct hako_options *opts, struct hako_io *io, struct hako_container *c,
               struct hako_cgroup *cg, struct hako_exit *exit, hako_error_t *err);

/* ---- an external OCI runtime as the create step (runtime.c) ---- */

/* `runc create` with the shim's stdio (or console socket), up to the container waiting for start; as create in
 * main.c, nothing is left behind on failure (`runc delete --force`). *cg: the container's cgroups, opened (not made). */
int runtime_create (struct hako_options *o, struct hako_io *io, struct hako_cgroup **cg, struct hako_container *c,
                    hako_error_t *err);
int runtime_start (const struct hako_options *o, hako_error_t *err);
/* `runc delete --force`: the runtime's state and the container's cgroups (a failure is a warning) */
void runtime_delete (const struct hako_options *o);

/* ---- exec: a process in a running container (exec.c: the shim's side; exec_init.c: the process's side) ---- */

struct hako_exec_target {
  pid_t pid;                             /* the container's init, in the host's pid namespace */
  int pidfd, ns_fds[6];                  /* cgroup, ipc, uts, net, mnt (joined by the process), pid (by the shim) */
  int has_oom_score_adj, oom_score_adj;  /* init's, for a process spec without oomScoreAdj */
};

/* Everything up to the handshake line (like main.c's create), and the process's side up to execve. */
int exec_create (struct hako_options *opts, struct hako_io *io, struct hako_container *c, hako_error_t *err);
void exec_init_main (const struct hako_spec *spec, const struct hako_exec_target *target,
                     const struct hako_cgroup *cg, const struct hako_stdio *stdio, int sync_fd, int in_v2)
    __attribute__ ((noreturn));

#endif
