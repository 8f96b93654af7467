/**
 * Human-readable names of errno values and signals for exit reasons
 * (spec/protocol.md §11.4, §11.5). The texts are the C library's usual
 * descriptions, so our reasons read like Pacemaker's ("… interrupted by
 * Segmentation fault signal", "…: No such file or directory").
 */

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOEXEC: 'Exec format error',
  EINVAL: 'Invalid argument',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOMEM: 'Cannot allocate memory',
  EAGAIN: 'Resource temporarily unavailable',
  E2BIG: 'Argument list too long',
  ETXTBSY: 'Text file busy',
};

/** Description of an errno name; the name itself when unknown. */
export function errnoText(code: string): string {
  return ERRNO_TEXT[code] ?? code;
}

const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGSYS: 'Bad system call',
};

/** Description of a signal name (`SIGSEGV` → "Segmentation fault"); the name itself when unknown. */
export function signalText(signal: string): string {
  return SIGNAL_TEXT[signal] ?? signal;
}
