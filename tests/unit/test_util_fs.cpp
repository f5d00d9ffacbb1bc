#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;

namespace {
unsigned mode_of(const fs::path& p) {
  struct stat st{};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}
}  // namespace

TEST_CASE("atomic write replaces a document whole, private, with no temp files left") {
  TempDir t;
  auto p = t.path / "doc.json";
  write_file_atomic(p, "one");
  write_file_atomic(p, "two");
  CHECK(*read_file(p) == "two");
  CHECK(mode_of(p) == 0600);
  int entries = 0;
  for (auto& e : fs::directory_iterator(t.path)) (void)e, ++entries;
  CHECK(entries == 1);
  CHECK(!read_file(t.path / "missing"));
}

TEST_CASE("a torn last line is cut before the next append") {
  TempDir t;
  auto p = t.path / "log.ndjson";
  append_line_durable(p, R"({"n":1})");
  {
    FILE* f = fopen(p.c_str(), "a");
    fputs(R"({"n":2,"tor)", f);
    fclose(f);
  }
  CHECK(repair_torn_tail(p) == 11);
  append_line_durable(p, R"({"n":3})");
  CHECK(*read_file(p) == "{\"n\":1}\n{\"n\":3}\n");
  CHECK(repair_torn_tail(p) == 0);
  // A log that is one torn line with no newline at all is emptied.
  auto q = t.path / "torn.ndjson";
  write_file_atomic(q, std::string(10000, 'x'));
  CHECK(repair_torn_tail(q) == 10000);
  CHECK(read_file(q)->empty());
}

TEST_CASE("private directories are created 0700 with parents") {
  TempDir t;
  make_private_dirs(t.path / "a" / "b");
  CHECK(fs::is_directory(t.path / "a" / "b"));
  CHECK(mode_of(t.path / "a" / "b") == 0700);
}

TEST_CASE("writing into a read-only directory fails with a clear error and leaves nothing") {
  if (::geteuid() == 0) {
    // root ignores directory permissions; the end-to-end suite covers read-only mounts instead.
    TempDir t;
    CHECK_THROWS(write_file_atomic(t.path / "no-such-dir" / "x.json", "x"));
    return;
  }
  TempDir t;
  fs::permissions(t.path, fs::perms::owner_read | fs::perms::owner_exec);
  CHECK_THROWS(write_file_atomic(t.path / "x.json", "x"));
}
