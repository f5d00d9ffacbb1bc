// Unit data as records: the status row every output format shares, and the store's unit document
// (units/<id>.json, schemas/unit.schema.json). Their table columns: cli/columns/unit.hpp.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/device/protocol.hpp"
#include "lever/model/unit.hpp"

namespace lever {
class Store;
}

namespace lever::device {

/// One status as a record.
nlohmann::json status_row(const Status& s);

/// A unit state as the model names it (the same set: lever-protocol(7), "STATES").
model::UnitState unit_state(State s);
/// The faults named (device fault names, e.g. from fault_names) as the model names them.
std::vector<model::UnitFault> unit_faults(const std::vector<std::string>& names);

/// The unit document for the store: identity, limits, calibration summary, state, faults, port.
model::Unit unit_document(const Identity& id, const std::optional<Calibration>& cal, const std::optional<Status>& st,
                          bool compatible, const std::string& port);
/// The `unit info --format csv` record (flattened document): every field present, null when not known
/// (schemas/output/unit-info.schema.json).
nlohmann::json unit_info_row(const model::Unit& unit);
/// The store ID of a serial number (lower-cased); Error(invalid_data) when it cannot be an ID.
std::string unit_id(const std::string& serial);
/// Writes or updates units/<id>.json (takes the store lock); keeps what the stored document says
/// that `unit` leaves out (a calibration or status read earlier).
void save_unit_document(Store& store, const model::Unit& unit);

}  // namespace lever::device
