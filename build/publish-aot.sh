#!/usr/bin/env bash
# Publishes samples/ImdbSentiment with NativeAOT for linux-x64:
#
#   build/publish-aot.sh [OUTPUT_DIR] [--fleet] [dotnet publish options...]      (OUTPUT_DIR defaults to publish/imdb)
#
# The binary is compiled for x86-64-v3 (AVX2, FMA), as src/RnnGen/build/RnnGen.targets sets for every RnnGen project;
# -p:RnnGenInstructionSet=x86-64-v4 compiles it for AVX-512 instead. --fleet publishes both: ImdbSentiment (x86-64-v3)
# and ImdbSentiment.x86-64-v4 beside it, to which the first hands over at start-up on CPUs with AVX-512 (the start-up
# guard, src/RnnGen/build/rnngen_cpu_guard.c), so one folder runs at full speed on AVX2 and AVX-512 machines alike.
#
# NativeAOT compiles the program to one object file and links it with the platform's C toolchain, so the script first
# checks what the link needs and installs what is missing when it runs as root on Debian or Ubuntu (otherwise it prints
# the command to run). Then it publishes, and fails on any warning: a trimming or AOT warning marks code that may break
# only in the published binary, so the publish must have none.
#
# What the link needs, as measured on Debian 12 with the .NET 10 SDK:
# - a C compiler driver and linker: clang, or gcc when there is no clang (the ILCompiler targets fall back to gcc by
#   themselves), with the C library's development files; gcc alone publishes a working binary, so clang is installed
#   only where neither works;
# - objcopy (binutils), which strips the symbols into ImdbSentiment.dbg;
# - not zlib1g-dev: .NET 10's NativeAOT runtime pack ships static zlib and brotli and links those (the ILCompiler
#   targets use the system's -lz only when the pack has no libz.a). Should a pack ever lack them, the link fails with
#   "cannot find -lz", and the script then installs zlib1g-dev (or says to) and links again.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/samples/ImdbSentiment/ImdbSentiment.csproj"
output="${1:-$root/publish/imdb}"
if [ $# -gt 0 ]; then
  shift
fi
fleet=false
options=()
for option in "$@"; do
  if [ "$option" = "--fleet" ]; then
    fleet=true
  else
    options+=("$option")
  fi
done
set -- ${options[@]+"${options[@]}"}

if [ "$(uname -s)" != "Linux" ] || [ "$(uname -m)" != "x86_64" ]; then
  echo "publish-aot.sh: this script publishes for linux-x64 on an x64 Linux machine, not on $(uname -s) $(uname -m)." >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Installs Debian packages as root, or says what to install and stops.
install_packages() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "publish-aot.sh: installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  else
    echo "publish-aot.sh: NativeAOT publishing needs: $*. Install with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends $*" >&2
    exit 1
  fi
}

# The compiler the ILCompiler targets will pick (clang first, then gcc), tried on a program that links against libc.
links_c() {
  local compiler
  for compiler in clang gcc; do
    if command -v "$compiler" >/dev/null 2>&1; then
      printf 'int main(void) { return 0; }\n' >"$work/probe.c"
      "$compiler" "$work/probe.c" -o "$work/probe" >"$work/probe.log" 2>&1 && return 0
      return 1
    fi
  done
  return 1
}

missing=()
if ! links_c; then
  # Microsoft's documented toolchain; its Debian package brings the C library's development files and the linker.
  missing+=(clang)
fi
if ! command -v objcopy >/dev/null 2>&1; then
  missing+=(binutils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  install_packages "${missing[@]}"
  links_c || { echo "publish-aot.sh: still no working C compiler and linker:" >&2; cat "$work/probe.log" >&2; exit 1; }
fi

publish() {
  # -tl:off: the classic log, one line per message, so that warnings can be found in it.
  dotnet publish "$project" -c Release -r linux-x64 -o "$output" -tl:off -nologo "$@" 2>&1 | tee "$work/publish.log"
}

# The x86-64-v4 build of --fleet, in an artifacts folder of its own (so that it never overwrites the v3 build's
# intermediate files; a caller's --artifacts-path is replaced), then only its executable beside the v3 one.
publish_v4_sibling() {
  local v4="$work/x86-64-v4" kept=() skip=false option
  for option in "$@"; do
    if [ "$skip" = true ]; then
      skip=false
    elif [ "$option" = "--artifacts-path" ]; then
      skip=true
    else
      kept+=("$option")
    fi
  done
  dotnet publish "$project" -c Release -r linux-x64 -o "$v4/out" -tl:off -nologo ${kept[@]+"${kept[@]}"} \
    --artifacts-path "$v4/artifacts" -p:RnnGenInstructionSet=x86-64-v4 2>&1 | tee -a "$work/publish.log"
  cp "$v4/out/ImdbSentiment" "$output/ImdbSentiment.x86-64-v4"
}

if ! publish "$@"; then
  if grep -q -- 'cannot find -lz' "$work/publish.log" && ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
    install_packages zlib1g-dev
    publish "$@"
  else
    exit 1
  fi
fi

if [ "$fleet" = true ]; then
  publish_v4_sibling "$@"
fi

# The classic log ends with "N Warning(s)"; every other line that mentions a warning is one.
if grep -i 'warning' "$work/publish.log" | grep -v -E '^ *0 Warning\(s\)$' >"$work/warnings.log"; then
  echo "publish-aot.sh: the publish reported warnings:" >&2
  cat "$work/warnings.log" >&2
  exit 1
fi

binary="$output/ImdbSentiment"
if [ ! -x "$binary" ]; then
  echo "publish-aot.sh: the publish wrote no executable $binary" >&2
  exit 1
fi

# The executable, and the native libraries it loads at run time (SkiaSharp and HarfBuzzSharp draw the curves).
echo "publish-aot.sh: published with no warnings into $output:"
for file in "$binary" "$output/ImdbSentiment.x86-64-v4" "$output"/*.so; do
  if [ -f "$file" ]; then
    printf '  %-24s %s\n' "$(basename "$file")" "$(numfmt --to=iec --suffix=B --format=%.1f "$(stat -c %s "$file")")"
  fi
done
