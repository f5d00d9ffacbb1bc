/* Test-only LD_PRELOAD shim: lets libserialport 0.1.1 open a pseudo-terminal.
 * The pty driver answers the modem-control ioctls with ENOTTY, which makes sp_open fail; a real
 * USB-serial adapter answers them. Here they succeed with "DSR, CTS and carrier present" so the
 * production serial path can be tested end to end against `lever sim --pty` (device.md). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <termios.h>

int ioctl(int fd, unsigned long request, ...) {
  static int (*real_ioctl)(int, unsigned long, ...) = 0;
  if (!real_ioctl) real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  int rc = real_ioctl(fd, request, arg);
  if (rc == -1 && errno == ENOTTY &&
      (request == TIOCMGET || request == TIOCMSET || request == TIOCMBIS || request == TIOCMBIC)) {
    if (request == TIOCMGET && arg) *(int*)arg = TIOCM_DSR | TIOCM_CTS | TIOCM_CAR;
    return 0;
  }
  return rc;
}
