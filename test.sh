#!/usr/bin/env bash
# The test command (README, .ci/run): every test project, then the numerical tests again on each narrower kernel
# variant the host can reach (Vector256, Vector128 with and without FMA, scalar), which the runtime selects when
# wider vectors are disabled. Tests never use the network, except that
# RnnGen.Package.Tests restores its newcomer projects from the default NuGet source, as restore itself does, and
# RnnGen.IntegrationTests publishes the sample with NativeAOT (build/publish-aot.sh), which restores the NativeAOT
# compiler package and, on a machine where no C compiler links, installs clang as root from the Debian mirror.
set -euo pipefail
cd "$(dirname "$0")"

# The CPU guard tests (tests/RnnGen.IntegrationTests/CpuGuardTests.cs) run binaries under QEMU's user-mode emulator,
# posing as older x64 CPUs; installed from Debian's packages where it is missing and the script runs as root.
if [ "$(uname -m)" = "x86_64" ] && ! command -v qemu-x86_64 >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing qemu-user for the CPU guard tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user >/dev/null
  else
    echo "test.sh: the CPU guard tests need qemu-x86_64: sudo apt-get install -y --no-install-recommends qemu-user" >&2
  fi
fi

# The Keras interop tests (tests/RnnGen.Keras.Tests/H5pyInteropTests.cs) read RnnGen's files with h5py, the HDF5
# binding Keras uses: Debian's python3-h5py, installed where it is missing and the script runs as root.
if ! /usr/bin/python3 -c "import h5py" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing python3-h5py for the Keras interop tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-h5py >/dev/null
  else
    echo "test.sh: the Keras interop tests need h5py: sudo apt-get install -y --no-install-recommends python3-h5py" >&2
  fi
fi

# The service's page is tested in a real browser (tests/RnnGen.IntegrationTests/ServeTests.cs): Debian's chromium,
# installed the same way.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing chromium for the service page test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "test.sh: the service page test needs Chromium: sudo apt-get install -y --no-install-recommends chromium" >&2
  fi
fi

numerical='FullyQualifiedName~ReferenceAgreement|FullyQualifiedName~FixtureParity|FullyQualifiedName~GradientCheck|FullyQualifiedName~Dropout|FullyQualifiedName~KernelTests|FullyQualifiedName~VectorPath|FullyQualifiedName~CrossWidth|FullyQualifiedName~MaskingTests|FullyQualifiedName~SoftmaxHeadTests|FullyQualifiedName~LengthBucketTests|FullyQualifiedName~ChunkedBackward'

# has_flags FLAG...: whether the CPU reports every one of these /proc/cpuinfo flags.
has_flags() {
  local flag
  for flag in "$@"; do
    grep -q -w "$flag" /proc/cpuinfo 2>/dev/null || return 1
  done
}

# rerun BITS FMA KNOB...: the numerical tests again with the runtime knobs given (.NET 10's names; it ignores the older
# DOTNET_EnableAVX512F). VectorPathTests fails unless the process really runs BITS-wide kernels with (1) or without (0)
# hardware FMA, and CrossWidthDeterminismTests must give the same committed hashes on every path.
rerun() {
  local bits="$1" fma="$2"
  shift 2
  echo "test.sh: numerical tests on the ${bits}-bit path, FMA ${fma} ($*)"
  env "$@" RNNGEN_EXPECT_VECTOR_BITS="$bits" RNNGEN_EXPECT_FMA="$fma" \
    dotnet test tests/RnnGen.Tests -c Release --no-build --filter "$numerical"
}

if [ "$(uname -m)" = "x86_64" ] && has_flags avx512f avx512bw avx512cd avx512dq avx512vl; then
  widest=(512 1)
elif [ "$(uname -m)" = "x86_64" ] && has_flags avx2 fma; then
  widest=(256 1)
else
  widest=()
fi

# Every test project, on the widest path the machine has (on x64 the test checks that it is the one named here).
echo "test.sh: all tests${widest:+ on the ${widest[0]}-bit path, FMA ${widest[1]}}"
if [ ${#widest[@]} -gt 0 ]; then
  RNNGEN_EXPECT_VECTOR_BITS="${widest[0]}" RNNGEN_EXPECT_FMA="${widest[1]}" dotnet test RnnGen.sln -c Release
else
  dotnet test RnnGen.sln -c Release
fi

if [ "$(uname -m)" = "x86_64" ]; then
  # 512 -> 256 -> 128 -> scalar, each narrower path the host can reach by disabling what it has.
  if [ "${widest[0]:-0}" = 512 ]; then
    rerun 256 1 DOTNET_EnableAVX512=0
  fi
  if has_flags avx2 fma; then
    rerun 128 1 DOTNET_PreferredVectorBitWidth=128
  fi
  rerun 128 0 DOTNET_EnableAVX2=0
  rerun 0 0 DOTNET_EnableHWIntrinsic=0
fi
