#!/usr/bin/env bash
# The test command (README, .ci/run): every test project, then the numerical tests again on the narrower kernel
# variants, which the runtime selects when wider vectors are disabled. Tests never use the network, except that
# RnnGen.Package.Tests restores its newcomer projects from the default NuGet source, as restore itself does, and
# RnnGen.IntegrationTests publishes the sample with NativeAOT (build/publish-aot.sh), which restores the NativeAOT
# compiler package and, on a machine where no C compiler links, installs clang as root from the Debian mirror.
set -euo pipefail
cd "$(dirname "$0")"

dotnet test RnnGen.sln -c Release

numerical='FullyQualifiedName~ReferenceAgreement|FullyQualifiedName~FixtureParity|FullyQualifiedName~GradientCheck|FullyQualifiedName~Dropout|FullyQualifiedName~KernelTests|FullyQualifiedName~VectorPath'
if [ "$(uname -m)" = "x86_64" ]; then
  # Vector128 kernels (AVX2 off), then the scalar reference kernels (all intrinsics off).
  DOTNET_EnableAVX2=0 RNNGEN_EXPECT_VECTOR_BITS=128 dotnet test tests/RnnGen.Tests -c Release --no-build --filter "$numerical"
  DOTNET_EnableHWIntrinsic=0 RNNGEN_EXPECT_VECTOR_BITS=0 dotnet test tests/RnnGen.Tests -c Release --no-build --filter "$numerical"
  if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
    DOTNET_EnableAVX512F=0 RNNGEN_EXPECT_VECTOR_BITS=256 dotnet test tests/RnnGen.Tests -c Release --no-build --filter "$numerical"
  fi
fi
