# Shared by clinic.jq and athlete.jq: lever's ISO 8601 timestamps as epoch seconds.
def ts:
  (.[0:19] + "Z" | fromdateiso8601)
  - (if test("[Zz]$") then 0
     else (.[-6:] | ((.[1:3] | tonumber) * 3600 + (.[4:6] | tonumber) * 60) * (if .[0:1] == "-" then -1 else 1 end))
     end)
  + ((capture("\\.(?<f>[0-9]+)") | ("0." + .f | tonumber)) // 0);
