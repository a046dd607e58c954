#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the tests need when they are missing, then runs
# dotnet test. The browser test of `retina serve` drives a headless Chromium; the ONNX export tests
# run ONNX's checker (python3-onnx); the data-parallel tests run `retina train` under Open MPI's mpirun.
set -euo pipefail
cd "$(dirname "$0")"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c "import onnx" 2>/dev/null || need+=(python3-onnx)
[ -x /usr/bin/mpirun ] || need+=(openmpi-bin)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${need[@]}"
fi
exec dotnet test RetinaSharp.slnx -c Release "$@"
