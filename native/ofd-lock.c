// Linux open file description (OFD) byte-range locks for Node, which has no fcntl(): the locks QEMU's
// file-posix driver takes on image files. A lock belongs to the open file description, so two
// fs.openSync() calls on one file conflict even inside one process, and closing the fd drops it.
//
//   setLock(fd, start, len, type) -> 0, or -errno (-EAGAIN/-EACCES: another description holds a
//                                    conflicting lock)          [fcntl F_OFD_SETLK, never waits]
//   getLock(fd, start, len, type) -> the type of a lock another description holds that would
//                                    conflict with `type`, F_UNLCK when none, or -errno
//                                                                [fcntl F_OFD_GETLK]
//   F_RDLCK, F_WRLCK, F_UNLCK     -> the kernel's lock type numbers
//
// Bad arguments give -EINVAL; nothing here throws.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>

/* Largest byte offset a double carries exactly (Number.MAX_SAFE_INTEGER). */
#define MAX_SAFE_OFFSET 9007199254740991.0

/* Reads (fd, start, len, type) from the call; returns 0 or -EINVAL. */
static int read_args(napi_env env, napi_callback_info info, struct flock *fl, int *fd) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return -EINVAL;
  double nums[4];
  for (int i = 0; i < 4; i++) {
    napi_valuetype t;
    if (napi_typeof(env, argv[i], &t) != napi_ok || t != napi_number) return -EINVAL;
    if (napi_get_value_double(env, argv[i], &nums[i]) != napi_ok) return -EINVAL;
    if (!isfinite(nums[i]) || nums[i] != floor(nums[i]) || nums[i] < 0 || nums[i] > MAX_SAFE_OFFSET)
      return -EINVAL;
  }
  int type = (int)nums[3];
  if (nums[0] > INT32_MAX || (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK)) return -EINVAL;
  memset(fl, 0, sizeof *fl); /* l_pid must be 0 for OFD locks */
  fl->l_whence = SEEK_SET;
  fl->l_start = (off_t)nums[1];
  fl->l_len = (off_t)nums[2];
  fl->l_type = (short)type;
  *fd = (int)nums[0];
  return 0;
}

/* A JS number, or undefined when N-API itself fails (out of memory). */
static napi_value number(napi_env env, int value) {
  napi_value v;
  if (napi_create_int32(env, value, &v) != napi_ok) return NULL;
  return v;
}

/* fcntl() retried on EINTR; 0 or -errno. */
static int ofd_fcntl(int fd, int cmd, struct flock *fl) {
  for (;;) {
    if (fcntl(fd, cmd, fl) == 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

static napi_value set_lock(napi_env env, napi_callback_info info) {
  struct flock fl;
  int fd;
  int r = read_args(env, info, &fl, &fd);
  if (r == 0) r = ofd_fcntl(fd, F_OFD_SETLK, &fl);
  return number(env, r);
}

static napi_value get_lock(napi_env env, napi_callback_info info) {
  struct flock fl;
  int fd;
  int r = read_args(env, info, &fl, &fd);
  if (r == 0 && fl.l_type == F_UNLCK) r = -EINVAL; /* F_GETLK asks about a lock to take */
  if (r == 0) r = ofd_fcntl(fd, F_OFD_GETLK, &fl);
  return number(env, r == 0 ? fl.l_type : r);
}

/* Sets exports[name] to `value`; false when N-API fails. */
static int put(napi_env env, napi_value exports, const char *name, napi_value value) {
  return value != NULL && napi_set_named_property(env, exports, name, value) == napi_ok;
}

/* Adds a native function to exports; false when N-API fails. */
static int put_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) != napi_ok) return 0;
  return put(env, exports, name, fn);
}

NAPI_MODULE_INIT() {
  if (!put_fn(env, exports, "setLock", set_lock) || !put_fn(env, exports, "getLock", get_lock) ||
      !put(env, exports, "F_RDLCK", number(env, F_RDLCK)) ||
      !put(env, exports, "F_WRLCK", number(env, F_WRLCK)) ||
      !put(env, exports, "F_UNLCK", number(env, F_UNLCK)))
    return NULL;
  return exports;
}
