// The store's layout as data: every kind of document and log, where it lives, its schema, and the
// references it makes to other records. `store check` and the loaders are driven by this one table.
#pragma once
#include <string>
#include <vector>

namespace lever {

/// A field of a record that names another record (checked by `lever store check`).
struct Reference {
  std::string field;       ///< top-level field holding the other record's ID (absent or null = none)
  std::string collection;  ///< name of the collection that must hold it
};

/// One kind of stored record.
struct Collection {
  std::string name;        ///< short name used in messages and code, e.g. "athlete"
  std::string dir;         ///< sub-directory of the store, e.g. "athletes"
  std::string schema;      ///< schema file name in schemas/, e.g. "athlete.schema.json"
  bool is_log = false;     ///< true: NDJSON log "<dir>/<key>.ndjson"; false: document "<dir>/<id>.json"
  std::string key_field;   ///< for logs: the field every record must carry equal to the file key
  std::vector<Reference> refs;  ///< cross-references checked by `store check`
};

/// Every collection lever knows; the single source of the store layout.
const std::vector<Collection>& collections();

/// The collection with this name; throws std::out_of_range for an unknown name (a programming error).
const Collection& collection(const std::string& name);

}  // namespace lever
