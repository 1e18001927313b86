# Shared by the bench-*.sh scripts: builds the benchmarks project once and finds its driver.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=$root/tests/benchmarks/Stellar.HistoryWork.Benchmarks
dotnet build -c Release "$project" -v q -nologo >/dev/null
dll=$(find "$project/bin/Release" -name Stellar.HistoryWork.Benchmarks.dll | head -1)

# make_archive DIR ARGS…: generates a synthetic archive unless DIR already holds one.
make_archive() {
  local dir=$1; shift
  if [ ! -f "$dir/.well-known/stellar-history.json" ]; then
    echo "generating $dir ($*)"
    dotnet "$dll" make-archive "$dir" "$@"
  fi
}

machine() {
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version)"
}
