/**
 * The engine's default seccomp profile: an allow-list in the Docker profile format (`defaultAction`, `archMap`,
 * `syscalls[]` with `includes`/`excludes` by capability and architecture), the same format a user passes with
 * `--security-opt seccomp=FILE`, so one translation (runtime/native/seccomp-profile.ts) serves both.
 *
 * It is written here from its purpose, group by group: what an ordinary program needs (files, memory, processes,
 * signals, time, sockets, IPC) is allowed; what changes the machine or escapes the container's namespaces (mount,
 * namespaces, modules, kexec/reboot, clock setting, keyrings, io_uring, userfaultfd, BPF, perf, ptrace of others) is
 * refused with EPERM unless the container holds the capability that the kernel asks for anyway. The effect matches
 * Docker's default profile for the same capabilities (runtime/security/default-seccomp.test.ts compares the two when
 * the reference copy is at hand); a syscall unknown to the running kernel is simply left out by the compiler.
 */

/** A Docker seccomp profile (moby profiles/seccomp types; the fields hakod reads). */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: Array<{ architecture: string; subArchitectures: string[] | null }>;
  architectures?: string[];
  syscalls?: SeccompRule[];
  flags?: string[];
  listenerPath?: string;
}

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface SeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[];
  comment?: string;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[]; minKernel?: string };
}

const EPERM = 1;
const ENOSYS = 38;

/** Syscalls every program may make, by purpose. 32-bit and time64 variants sit beside their 64-bit forms. */
export const ALLOWED_GROUPS: Record<string, string[]> = {
  "paths and directories": [
    "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "mkdir", "mkdirat", "rmdir", "mknod", "mknodat",
    "link", "linkat", "symlink", "symlinkat", "readlink", "readlinkat", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "getdents", "getdents64", "umask", "name_to_handle_at",
  ],
  "opening and descriptors": [
    "creat", "open", "openat", "openat2", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock",
    "pipe", "pipe2", "ioctl",
  ],
  "file status": [
    "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "fstatat64", "newfstatat", "statx", "statfs", "statfs64",
    "fstatfs", "fstatfs64", "statmount", "listmount",
  ],
  "ownership, modes and times": [
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown",
    "lchown32", "utime", "utimes", "utimensat", "utimensat_time64", "futimesat",
  ],
  "extended attributes": [
    "getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr", "fsetxattr", "setxattrat",
    "listxattr", "llistxattr", "flistxattr", "listxattrat", "removexattr", "lremovexattr", "fremovexattr",
    "removexattrat",
  ],
  "reading and writing": [
    "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2", "lseek",
    "_llseek", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "copy_file_range", "readahead", "fadvise64",
    "fadvise64_64", "truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate",
  ],
  "syncing": ["sync", "syncfs", "fsync", "fdatasync", "sync_file_range"],
  "asynchronous I/O (not io_uring)": [
    "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
    "ioprio_get", "ioprio_set",
  ],
  "waiting for events": [
    "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64", "epoll_create",
    "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2",
    "eventfd", "eventfd2", "signalfd", "signalfd4", "inotify_init", "inotify_init1", "inotify_add_watch",
    "inotify_rm_watch", "fanotify_mark",
  ],
  "memory": [
    "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock", "mlock2",
    "mlockall", "munlock", "munlockall", "remap_file_pages", "membarrier", "memfd_create", "memfd_secret", "mseal",
    "map_shadow_stack", "pkey_alloc", "pkey_free", "pkey_mprotect", "cachestat",
  ],
  "processes": [
    "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid", "getpid", "getppid",
    "gettid", "getpgid", "getpgrp", "setpgid", "getsid", "setsid", "pidfd_open", "pidfd_send_signal",
    "process_mrelease", "prctl", "seccomp", "set_tid_address", "set_thread_area", "get_thread_area", "restart_syscall",
    "rseq", "uretprobe", "getcpu", "getpriority", "setpriority", "times", "getrusage", "getrlimit", "setrlimit",
    "ugetrlimit", "prlimit64", "capget", "capset", "uname", "sysinfo", "riscv_hwprobe", "getrandom",
    "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
  ],
  "user and group identity": [
    "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32", "getresuid",
    "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32", "setuid", "setuid32", "setgid", "setgid32",
    "setreuid", "setreuid32", "setregid", "setregid32", "setresuid", "setresuid32", "setresgid", "setresgid32",
    "setfsuid", "setfsuid32", "setfsgid", "setfsgid32", "setgroups", "setgroups32",
  ],
  "signals": [
    "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
    "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sigaltstack", "sigprocmask",
    "sigreturn", "pause", "alarm", "getitimer", "setitimer",
  ],
  "threads and futexes": [
    "futex", "futex_time64", "futex_wait", "futex_wake", "futex_requeue", "futex_waitv", "set_robust_list",
    "get_robust_list",
  ],
  "scheduling and sleeping": [
    "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam",
    "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
    "sched_rr_get_interval", "sched_rr_get_interval_time64", "nanosleep", "clock_nanosleep", "clock_nanosleep_time64",
  ],
  // reading clocks, and adjtimex/clock_adjtime, which only read without CAP_SYS_TIME
  "clocks and timers": [
    "time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64", "adjtimex",
    "clock_adjtime", "clock_adjtime64", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_settime", "timerfd_settime64",
    "timerfd_gettime", "timerfd_gettime64",
  ],
  // socket(2) itself is allowed below, per address family
  "sockets": [
    "socketpair", "socketcall", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
    "getsockopt", "setsockopt", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg", "recvmmsg",
    "recvmmsg_time64", "shutdown",
  ],
  "System V and POSIX IPC": [
    "ipc", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
    "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64",
    "mq_timedreceive", "mq_timedreceive_time64", "mq_notify", "mq_getsetattr",
  ],
};

/**
 * Syscalls that need a capability the kernel checks anyway, allowed when the container holds it: the filter then adds
 * nothing to the kernel's own check, and without the capability the call is refused before it reaches code that has
 * had vulnerabilities.
 */
export const CAPABILITY_GROUPS: Record<string, string[]> = {
  CAP_SYS_ADMIN: [
    "mount", "umount", "umount2", "mount_setattr", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "unshare", "setns", "clone", "clone3", "sethostname", "setdomainname", "quotactl", "quotactl_fd", "bpf",
    "perf_event_open", "fanotify_init", "lookup_dcookie", "syslog", "lsm_get_self_attr", "lsm_set_self_attr",
    "lsm_list_modules",
  ],
  CAP_SYS_PTRACE: ["ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp"],
  CAP_SYS_BOOT: ["reboot"],
  CAP_SYS_CHROOT: ["chroot"],
  CAP_SYS_MODULE: ["init_module", "finit_module", "delete_module"],
  CAP_SYS_PACCT: ["acct"],
  CAP_SYS_RAWIO: ["iopl", "ioperm"],
  CAP_SYS_TIME: ["settimeofday", "stime", "clock_settime", "clock_settime64"],
  CAP_SYS_TTY_CONFIG: ["vhangup"],
  CAP_SYS_NICE: ["get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", "mbind"],
  CAP_SYSLOG: ["syslog"],
  CAP_BPF: ["bpf"],
  CAP_PERFMON: ["perf_event_open"],
  CAP_DAC_READ_SEARCH: ["open_by_handle_at"],
};

/** Syscalls that exist on some architectures only. */
export const ARCH_GROUPS: Array<{ arches: string[]; names: string[] }> = [
  { arches: ["amd64", "x32"], names: ["arch_prctl"] },
  { arches: ["amd64", "x32", "x86"], names: ["modify_ldt"] },
  { arches: ["arm", "arm64"], names: ["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"] },
  { arches: ["ppc64le"], names: ["sync_file_range2", "swapcontext"] },
  { arches: ["s390", "s390x"], names: ["s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"] },
  { arches: ["riscv64"], names: ["riscv_flush_icache"] },
];

/**
 * The clone(2) flags that create namespaces (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET): without
 * CAP_SYS_ADMIN a clone is allowed only when none of them is set.
 */
export const CLONE_NAMESPACE_FLAGS = 0x02000000 | 0x00020000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

/** Address families refused to socket(2): AF_ALG (38, the kernel's crypto API) and AF_VSOCK (40, host sockets). */
const AF_ALG = 38;
const AF_NFC = 39;
const AF_VSOCK = 40;

/** personality(2) values that change nothing dangerous: PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32|UNAME26, query. */
const PERSONALITY_QUERY = 0xffffffff;
const SAFE_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, PERSONALITY_QUERY];

export function defaultSeccompProfile(): SeccompProfile {
  const allow = (names: string[], extra: Partial<SeccompRule> = {}): SeccompRule =>
    ({ names, action: "SCMP_ACT_ALLOW", ...extra });
  const syscalls: SeccompRule[] = [
    allow(Object.values(ALLOWED_GROUPS).flat().sort()),
    // reading another process's memory became subject to ptrace access checks in 4.8 (before: CAP_SYS_PTRACE only)
    allow(["process_vm_readv", "process_vm_writev", "ptrace"], { includes: { minKernel: "4.8" } }),
    // every address family but AF_ALG and AF_VSOCK
    allow(["socket"], { args: [{ index: 0, value: AF_ALG, op: "SCMP_CMP_LT" }] }),
    allow(["socket"], { args: [{ index: 0, value: AF_NFC, op: "SCMP_CMP_EQ" }] }),
    allow(["socket"], { args: [{ index: 0, value: AF_VSOCK, op: "SCMP_CMP_GT" }] }),
    ...SAFE_PERSONALITIES.map((p) => allow(["personality"], { args: [{ index: 0, value: p, op: "SCMP_CMP_EQ" }] })),
    ...ARCH_GROUPS.map((g) => allow(g.names, { includes: { arches: g.arches } })),
    ...Object.entries(CAPABILITY_GROUPS).map(([cap, names]) => allow(names, { includes: { caps: [cap] } })),
    // without CAP_SYS_ADMIN: clone without namespace flags (s390 passes the flags second) …
    allow(["clone"], {
      args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }],
      excludes: { caps: ["CAP_SYS_ADMIN"], arches: ["s390", "s390x"] },
    }),
    allow(["clone"], {
      args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }],
      includes: { arches: ["s390", "s390x"] },
      excludes: { caps: ["CAP_SYS_ADMIN"] },
    }),
    // … and clone3, whose flags sit in memory a filter cannot read: ENOSYS makes libc fall back to clone
    { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS, excludes: { caps: ["CAP_SYS_ADMIN"] } },
  ];
  return {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: EPERM,
    archMap: [
      { architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
      { architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"] },
      { architecture: "SCMP_ARCH_MIPS64", subArchitectures: ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"] },
      { architecture: "SCMP_ARCH_MIPS64N32", subArchitectures: ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64"] },
      { architecture: "SCMP_ARCH_MIPSEL64", subArchitectures: ["SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"] },
      { architecture: "SCMP_ARCH_MIPSEL64N32", subArchitectures: ["SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64"] },
      { architecture: "SCMP_ARCH_S390X", subArchitectures: ["SCMP_ARCH_S390"] },
      { architecture: "SCMP_ARCH_RISCV64", subArchitectures: null },
      { architecture: "SCMP_ARCH_LOONGARCH64", subArchitectures: null },
    ],
    syscalls,
  };
}
