#include <doctest/doctest.h>

#include "lever/report/calibration.hpp"

using namespace lever;
using nlohmann::json;

namespace {
model::Calibration record(model::CalibrationKind kind, model::CalibrationResult result, bool verified) {
  model::Calibration r;
  r.kind = kind;
  r.result = result;
  if (result != model::CalibrationResult::pass) r.failure_reason = "the support target did not reach 160.0 N";
  r.calibration = model::UnitCalibration{2048.0, 0.05, 1.0, 0.0, std::nullopt, "20261125T151700Z"};
  model::VerificationPoint p;
  p.reference_n = 40.0;
  p.measured_n = 40.1;
  p.error_n = 0.1;
  p.pass = verified;
  r.verification = model::Verification{verified, {p}, std::nullopt};
  return r;
}
model::Calibration record(const std::string& kind, const std::string& result, bool verified) {
  return record(*model::parse<model::CalibrationKind>(kind), *model::parse<model::CalibrationResult>(result), verified);
}
}  // namespace

TEST_CASE("only a passing, verified calibration is a certificate") {
  auto v = report::certificate_verdict(record("calibration", "pass", true));
  CHECK(v.certificate);
  CHECK(v.result == "PASS");
  CHECK(v.headline == "Calibration certificate");
}

TEST_CASE("failed and aborted calibrations say so and name the reason") {
  auto f = report::certificate_verdict(record("calibration", "fail", false));
  CHECK_FALSE(f.certificate);
  CHECK(f.result == "FAIL");
  CHECK(f.headline.find("NOT A VALID CERTIFICATE") != std::string::npos);
  CHECK(f.detail.find("did not reach 160.0 N") != std::string::npos);
  CHECK(f.detail.find("kept its previous calibration") != std::string::npos);
  auto a = report::certificate_verdict(record("calibration", "aborted", false));
  CHECK_FALSE(a.certificate);
  CHECK(a.result == "ABORTED");
  CHECK(a.headline.find("ABORTED") != std::string::npos);
}

TEST_CASE("a record claiming a pass without a passing verification certifies nothing") {
  auto v = report::certificate_verdict(record("calibration", "pass", false));
  CHECK_FALSE(v.certificate);
  CHECK(v.result == "FAIL");
  auto no_points = record("calibration", "pass", true);
  no_points.verification->points.clear();
  CHECK_FALSE(report::certificate_verdict(no_points).certificate);
  auto no_cal = record("calibration", "pass", true);
  no_cal.calibration.reset();
  CHECK_FALSE(report::certificate_verdict(no_cal).certificate);
}

TEST_CASE("a verification check is reported as a check, never as a certificate") {
  auto p = report::certificate_verdict(record("check", "pass", true));
  CHECK_FALSE(p.certificate);
  CHECK(p.result == "PASS");
  CHECK(p.headline.find("not a calibration certificate") != std::string::npos);
  auto f = report::certificate_verdict(record("check", "fail", false));
  CHECK(f.result == "FAIL");
  CHECK(f.headline == "VERIFICATION CHECK FAILED");
  CHECK(f.detail.find("must not be used") != std::string::npos);
}
