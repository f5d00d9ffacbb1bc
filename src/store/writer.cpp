#include "lever/store/writer.hpp"

#include "lever/util/error.hpp"

namespace lever {

using nlohmann::json;

StoreWriter::StoreWriter(Store& store) : store_(store), lock_(store.lock()) {}

void StoreWriter::save(const Collection& c, const std::string& id, const json& doc, const std::vector<AuditEntry>& audit) {
  store_.save(c, id, doc);
  audit_saved(audit);
}

void StoreWriter::append(const Collection& c, const std::string& key, const json& record, const std::vector<AuditEntry>& audit) {
  store_.append(c, key, record);
  audit_saved(audit);
}

void StoreWriter::append_batch(const Collection& c, const std::vector<std::pair<std::string, json>>& records,
                               const std::vector<AuditEntry>& audit) {
  store_.append_batch(c, records);
  audit_saved(audit);
}

void StoreWriter::record(const AuditEntry& entry) { store_.audit(entry.user, entry.action, entry.target, entry.details); }

void StoreWriter::audit_saved(const std::vector<AuditEntry>& audit) {
  for (const auto& a : audit) {
    try {
      record(a);
    } catch (const Error& e) {
      print_warning(std::string("the change is saved, but the audit log could not be written: ") + e.what());
    }
  }
}

}  // namespace lever
