/* The physical floor of reading a store, for the benchmarks' ratios (tests/bench/bench_scale.sh):
 * lists the named directories of a store and opens and reads every file in them (mode "read"), or
 * only stats each (mode "stat"), on one thread, with no parsing at all. Prints the files and bytes.
 * Usage: read_floor read|stat STORE DIR...   e.g. read_floor read /tmp/big sessions pain athletes */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 4 || (strcmp(argv[1], "read") != 0 && strcmp(argv[1], "stat") != 0)) {
    fprintf(stderr, "usage: read_floor read|stat STORE DIR...\n");
    return 2;
  }
  int do_read = strcmp(argv[1], "read") == 0;
  static char buf[1 << 16];
  long files = 0, bytes = 0;
  for (int a = 3; a < argc; ++a) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", argv[2], argv[a]);
    DIR* d = opendir(dir);
    if (!d) continue;
    struct dirent* e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      char path[8192];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      ++files;
      if (!do_read) {
        struct stat st;
        if (lstat(path, &st) == 0) bytes += st.st_size;
        continue;
      }
      int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) continue;
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) bytes += n;
      close(fd);
    }
    closedir(d);
  }
  printf("%ld files, %ld bytes\n", files, bytes);
  return 0;
}
